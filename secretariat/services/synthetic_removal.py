"""Removing synthetic data (`seed_synthetic --remove`): exactly the marked rows and what hangs off them.

What counts as synthetic: kecamatan, kelurahan and people with ``synthetic=True`` (seed_synthetic sets it;
an import sets it on new people appointed to a synthetic kelurahan), every appointment of a synthetic person
or in a synthetic kelurahan, and whatever points at those rows: decree entries, documents, pacts, ceremony
invitations, their audit history, and decrees that list synthetic appointments only (with their jobs).
A decree that also lists real appointments keeps its number and its real entries.

At 251k people Django's delete collector (one object per row in memory, then per-model IN lists) is too
slow, so this walks the relations through the model metadata and deletes each level with one set-based
DELETE ... WHERE fk IN (SELECT ...), children first. It follows every reverse relation, so models of apps
that `secretariat` must not import (integrity's pacts) are covered too. A real row that points at a
synthetic one is never deleted: the walk only descends into marked models' synthetic rows, so such a
reference makes the foreign-key check fail and nothing at all is removed.
"""

from collections import Counter

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Q
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from kelurahan.models import Kecamatan

from ..models import Appointment, Decree, GenerationJob, Person


def synthetic_appointments():
    return Appointment.objects.filter(Q(person__synthetic=True) | Q(kelurahan__synthetic=True))


def synthetic_remove() -> Counter:
    """Delete all synthetic rows in one transaction; returns the number of rows deleted per model."""
    counts: Counter = Counter()
    with transaction.atomic():
        users = list(Person.objects.filter(synthetic=True, user__isnull=False).values_list("user", flat=True))
        synthetic = synthetic_appointments().values("pk")
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
        _delete(Person, Person.objects.filter(synthetic=True), counts)
        _delete(Kecamatan, Kecamatan.objects.filter(synthetic=True), counts)
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
            from .synthetic import SyntheticError

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
        if any(f.name == "synthetic" for f in child._meta.concrete_fields):
            dependants = dependants.filter(synthetic=True)
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
