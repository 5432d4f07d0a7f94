"""Slow clients (issue #14, item 6). Five slowloris connections straight at gunicorn's three sync workers
made three of four normal requests time out. The production stack puts nginx in front (it reads whole
requests before passing them on) of gunicorn's gthread workers: with six times as many slow connections
held open, every normal request is still answered at once. The figures for the other set-ups (sync
gunicorn alone, gthread alone) are measured by bench/slow_clients.py and recorded in docs/RELIABILITY.md."""

from .proxy_stack import Client, gunicorn, needs_nginx, nginx, slow_client_probe


@needs_nginx
def test_normal_requests_are_answered_while_30_slow_clients_hold_connections_to_nginx(committed_db, tmp_path):
    with gunicorn(tmp_path) as (app_port, _log), nginx(tmp_path, app_port) as (port, _):
        for _ in range(6):  # warm: the workers have loaded Django
            assert Client(port).get("/masuk/")[0] == 200
        results = slow_client_probe(port, slow=30, normal=4, hold=12.0, timeout=5.0)
    print(f"\n30 slow clients via nginx: {[(status, round(seconds, 2)) for status, seconds in results]}")
    assert [status for status, _ in results] == [200] * 4
    assert max(seconds for _, seconds in results) < 4.0, results  # blocked ones wait out the 5 s
