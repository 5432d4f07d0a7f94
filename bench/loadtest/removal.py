"""Removing synthetic data (`seed_synthetic --remove`): exactly the rows with reserved codes and what hangs
off them.

What counts as synthetic (`codes`): kecamatan and kelurahan coded under province 00, people whose NIK is of
province 99 (seed_synthetic makes them; an import of its `--csv` file creates them), every appointment of
such a person or in such a kelurahan, and whatever points at those rows: decree entries, documents, pacts,
ceremony invitations, their audit history, and decrees that list synthetic appointments only (with their
jobs). A decree that also lists real appointments keeps its number and its real entries.

At national scale Django's delete collector (one object per row in memory, then per-model IN lists) is
too slow (bench/RESULTS.md, "Seeding and removal"), so this walks the relations through the model metadata
and deletes each level with one set-based DELETE ... WHERE fk IN (SELECT ...), children first. It follows
every reverse relation, so models of every app (integrity's pacts) are covered too. A real row that points
at a synthetic one is never deleted: where a model has a code of its own, the walk only descends into its
synthetic rows, so such a reference makes the foreign-key check fail and nothing at all is removed.
"""

from collections import Counter

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connections, models, router, transaction
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from kelurahan.models import Kecamatan
from secretariat.models import Appointment, Decree, GenerationJob, Person

from .codes import SYNTHETIC_APPOINTMENT, SYNTHETIC_PERSON, SYNTHETIC_REGION, SyntheticError, synthetic_filter


def synthetic_remove() -> Counter:
    """Delete all synthetic rows in one transaction; returns the number of rows deleted per model."""
    counts: Counter = Counter()
    with transaction.atomic():
        people = Person.objects.filter(SYNTHETIC_PERSON)
        users = list(people.filter(user__isnull=False).values_list("user", flat=True))
        synthetic = Appointment.objects.filter(SYNTHETIC_APPOINTMENT).values("pk")
        real = Appointment.objects.exclude(pk__in=synthetic).values("pk")
        decrees = list(
            Decree.objects.filter(entries__appointment__in=synthetic)
            .exclude(entries__appointment__in=real)
            .values_list("pk", flat=True)
            .distinct()
        )
        jobs = list(
            GenerationJob.objects.filter(documents__appointment__in=synthetic)
            .values_list("pk", flat=True)
            .distinct()
        )
        _delete(Decree, Decree.objects.filter(pk__in=decrees), counts)
        _delete(Person, people, counts)
        _delete(Kecamatan, Kecamatan.objects.filter(SYNTHETIC_REGION), counts)
        # Jobs whose every document was synthetic are left empty: remove them as well.
        _delete(GenerationJob, GenerationJob.objects.filter(pk__in=jobs, documents__isnull=True), counts)
        if users:
            _, deleted = get_user_model().objects.filter(pk__in=users).delete()
            counts.update(deleted)
        # Foreign keys are checked at commit; check them now, so a real row still pointing at a removed
        # one fails here and rolls this back, even inside an outer transaction (--replace, tests).
        try:
            connections[router.db_for_write(Person)].check_constraints()
        except IntegrityError as exc:
            first_line = str(exc).splitlines()[0]
            raise SyntheticError(
                f"Data nyata masih merujuk data sintetis; tidak ada yang dihapus. {first_line}"
            ) from exc
    return +counts


def _delete(model, queryset, counts: Counter, path=()) -> None:
    """Delete `queryset` of `model` after everything that points at its rows."""
    path = (*path, model)
    pks = queryset.values("pk")
    for relation in model._meta.get_fields(include_hidden=True):
        reverse_fk = relation.auto_created and not relation.concrete
        if not (reverse_fk and (relation.one_to_many or relation.one_to_one)):
            continue
        child, field = relation.related_model, relation.field
        if not field.db_constraint:
            # History rows point at what they recorded without a constraint: a real record's history that
            # once named a synthetic row stays as it was written (each removed row's own history goes below).
            continue
        if child in path:
            continue  # self-reference (Appointment.replaces): the rows go together; commit checks the rest
        if field.remote_field.on_delete is models.SET_NULL:
            child._base_manager.filter(**{f"{field.name}__in": pks}).update(**{field.name: None})
            continue
        dependants = child._base_manager.filter(**{f"{field.name}__in": pks})
        own_code = synthetic_filter(child)
        if own_code is not None:
            dependants = dependants.filter(own_code)
        _delete(child, dependants, counts, path)
    try:
        history = get_history_model_for_model(model)
    except NotHistoricalModelError:
        history = None
    if history is not None:
        counts[history._meta.label] += _raw_delete(history._base_manager.filter(id__in=pks))
    _delete_files_on_commit(model, queryset)
    counts[model._meta.label] += _raw_delete(queryset)


def _raw_delete(queryset) -> int:
    # QuerySet._raw_delete: one DELETE statement, no collector, no signals (what Django's own collector
    # uses for its "fast deletes"). Private, but stable since Django 1.x.
    return queryset._raw_delete(router.db_for_write(queryset.model)) or 0  # None for an empty IN ()


def _delete_files_on_commit(model, queryset) -> None:
    """Generated PDFs and scans of synthetic rows go with them, once the deletion is committed."""
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField):
            names = list(queryset.exclude(**{field.name: ""}).values_list(field.name, flat=True))
            if names:
                transaction.on_commit(lambda f=field, n=names: [f.storage.delete(name) for name in n])
