"""One date format on the admin screens (DD-MM-YYYY), and date inputs that accept what they show."""

import datetime as dt

import pytest
from django import forms
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import translation

from tests.factories import make_appointment

pytestmark = pytest.mark.django_db


def test_lists_show_dates_as_typed_in_forms(staff_client):
    make_appointment()  # starts 26 May 2024, the start of the term

    html = staff_client.get(reverse("admin:secretariat_appointment_changelist")).content.decode()

    assert "26-05-2024" in html
    assert "26 Mei 2024" not in html


def test_an_ended_appointment_shows_both_dates_the_same_way(staff_client):
    from secretariat.services.appointments import appointment_end

    appointment = make_appointment()
    appointment_end(appointment=appointment, end_date=dt.date(2024, 7, 1), reason="evaluasi", note="")

    html = staff_client.get(
        reverse("admin:secretariat_appointment_changelist") + "?status=berakhir"
    ).content.decode()

    assert "26-05-2024" in html and "Berakhir 01-07-2024" in html


def test_date_inputs_are_filled_in_the_format_they_are_displayed(staff_client):
    appointment = make_appointment()

    html = staff_client.get(
        reverse("admin:secretariat_person_change", args=[appointment.person.pk])
    ).content.decode()

    assert 'name="birth_date" value="17-05-1990"' in html


@pytest.mark.parametrize("typed", ["27-11-2024", "2024-11-27", "27/11/2024"])
def test_date_inputs_accept_day_first_and_iso_dates(typed):
    with translation.override("id"):
        assert forms.DateField().clean(typed) == dt.date(2024, 11, 27)


def test_month_first_dates_are_refused_rather_than_misread():
    with translation.override("id"), pytest.raises(forms.ValidationError):
        forms.DateField().clean("11/27/2024")


def test_timestamps_use_the_same_day_month_year_order():
    moment = dt.datetime(2024, 11, 27, 8, 5)

    with translation.override("id"):
        assert date_filter(moment, "DATETIME_FORMAT") == "27-11-2024 08.05"
        assert date_filter(moment.date()) == "27-11-2024"
