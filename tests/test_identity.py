"""NIK and NIP rules, masking and name validation (secretariat/identity.py, shared/DOMAIN.md)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from secretariat import identity
from secretariat.identity import FEMALE, MALE

# Every date-dependent rule is checked against this day, so the tests do not rot.
TODAY = dt.date(2025, 6, 1)

# 17 May 1990, Balikpapan Timur (647101), serial 0001.
MAN_NIK = "6471011705900001"
WOMAN_NIK = "6471015705900001"  # same date, day + 40
# Born 17 May 1990, appointed March 2015, man, serial 001.
MAN_NIP = "199005172015031001"
WOMAN_NIP = "199005172015032001"

no_hypothesis_db = settings(database=None, deadline=None)


def nik_error(value, today=TODAY) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        identity.parse_nik(value, today=today)
    return excinfo.value


def nip_error(value, today=TODAY) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        identity.parse_nip(value, today=today)
    return excinfo.value


def age_on(birth_date: dt.date, today: dt.date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


# --- NIK: what is accepted --------------------------------------------------------------------------


def test_it_parses_a_mans_nik():
    info = identity.parse_nik(MAN_NIK, today=TODAY)
    assert info == identity.NikInfo(
        region="647101", birth_date=dt.date(1990, 5, 17), gender=MALE, serial="0001"
    )


def test_it_reads_a_day_above_40_as_a_woman_born_on_day_minus_40():
    info = identity.parse_nik(WOMAN_NIK, today=TODAY)
    assert info.gender == FEMALE
    assert info.birth_date == dt.date(1990, 5, 17)


def test_it_reads_day_41_as_the_first_and_day_71_as_the_31st_for_women():
    assert identity.parse_nik("6471014101900001", today=TODAY).birth_date == dt.date(1990, 1, 1)
    assert identity.parse_nik("6471017101900001", today=TODAY).birth_date == dt.date(1990, 1, 31)


def test_it_ignores_whitespace_around_a_nik():
    assert identity.parse_nik(f"  {MAN_NIK}\n", today=TODAY).birth_date == dt.date(1990, 5, 17)


@pytest.mark.parametrize(
    "nik,birth_date",
    [
        ("6471010106080001", dt.date(2008, 6, 1)),  # 17 today: two-digit year 08 means 2008
        ("6471010206080001", None),  # 17 tomorrow: too young
        ("6471010106250001", dt.date(1925, 6, 1)),  # 100 today: 25 means 1925, not 2025
        ("6471010106240001", None),  # 101 today: too old
        ("6471010206240001", dt.date(1924, 6, 2)),  # 100 until tomorrow
    ],
)
def test_it_takes_the_century_that_gives_an_age_of_17_to_100(nik, birth_date):
    if birth_date is None:
        assert nik_error(nik).code == "age"
    else:
        assert identity.parse_nik(nik, today=TODAY).birth_date == birth_date


def test_it_accepts_29_february_in_a_leap_year():
    assert identity.parse_nik("6471012902880001", today=TODAY).birth_date == dt.date(1988, 2, 29)
    assert identity.parse_nik("6471016902880001", today=TODAY).gender == FEMALE


# --- NIK: what is refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "647101170590000",  # 15 digits
        "64710117059000011",  # 17 digits
        "",
    ],
)
def test_it_rejects_a_nik_that_is_not_16_digits_long(value):
    error = nik_error(value)
    assert error.code in {"length", "digits"}
    assert "NIK" in error.message


def test_it_says_how_many_digits_were_written():
    assert "15 digit" in nik_error("647101170590000").message


@pytest.mark.parametrize(
    "value",
    [
        "6471O11705900001",  # letter O for zero
        "6471-01-170590-01",
        "6471 0117 0590 01",
        "647101170590000x",
        "+647101170590001",
        "-647101170590001",
        "6471011705900001".replace("1", "١"),  # Arabic-Indic digits
        "６４７１０１１７０５９００００１",  # full-width digits
        "𝟔𝟒𝟕𝟏𝟎𝟏𝟏𝟕𝟎𝟓𝟗𝟎𝟎𝟎𝟎𝟏",  # mathematical bold digits
    ],
)
def test_it_rejects_a_nik_with_anything_but_ascii_digits(value):
    assert nik_error(value).code in {"digits", "length"}


def test_it_rejects_a_missing_nik_with_a_validation_error():
    assert nik_error(None).code == "digits"


@pytest.mark.parametrize(
    "value",
    [
        "0071011705900001",  # province 00
        "6400011705900001",  # city 00
        "6471001705900001",  # kecamatan 00
    ],
)
def test_it_rejects_a_region_part_of_00(value):
    error = nik_error(value)
    assert error.code == "region"
    assert "wilayah" in error.message


@pytest.mark.parametrize(
    "value",
    [
        "6471013102900001",  # 31 February, man
        "6471017102900001",  # 31 February, woman (31 + 40)
        "6471012902890001",  # 29 February 1989 (no leap year)
        "6471013104900001",  # 31 April
        "6471017205900001",  # day 72: a woman's day 32
        "6471013205900001",  # day 32 for a man
        "6471014005900001",  # day 40: neither a man's nor a woman's day
        "6471010005900001",  # day 00
        "6471011700900001",  # month 00
        "6471011713900001",  # month 13
    ],
)
def test_it_rejects_an_impossible_birth_date(value):
    error = nik_error(value)
    assert error.code == "birth_date"
    assert "ditambah 40" in error.message


@pytest.mark.parametrize(
    "value,age",
    [
        ("6471010101100001", 115),  # born 2010: two-digit 10 can only mean 1910 here
        ("6471010101200001", 105),
        ("6471010101000001", 25),  # control: born 2000 is fine
    ],
)
def test_it_checks_the_age_from_the_nik(value, age):
    if age > identity.MAX_AGE_YEARS:
        error = nik_error(value)
        assert error.code == "age"
        assert f"umur {age} tahun" in error.message
    else:
        assert age_on(identity.parse_nik(value, today=TODAY).birth_date, TODAY) == age


def test_it_uses_the_given_today_for_the_age():
    # Born 1 January 2009: 16 on TODAY, 17 a year later.
    nik = "6471010101090001"
    assert nik_error(nik, today=TODAY).code == "age"
    assert identity.parse_nik(nik, today=dt.date(2026, 1, 1)).birth_date == dt.date(2009, 1, 1)


def test_it_rejects_serial_0000():
    error = nik_error("6471011705900000")
    assert error.code == "serial"
    assert "0000" in error.message


def test_it_accepts_serial_0001_and_9999():
    assert identity.parse_nik("6471011705900001", today=TODAY).serial == "0001"
    assert identity.parse_nik("6471011705909999", today=TODAY).serial == "9999"


# --- NIK: prefix warning ----------------------------------------------------------------------------


@pytest.mark.parametrize("nik", ["6472011705900001", "3171011705900001", "6401011705900001"])
def test_a_nik_issued_outside_balikpapan_parses_but_gets_a_warning(nik):
    info = identity.parse_nik(nik, today=TODAY)  # no error
    assert info.region == nik[:6]
    warnings = identity.nik_warnings(nik)
    assert len(warnings) == 1
    assert "6471" in warnings[0]
    assert nik not in warnings[0]  # the warning never repeats the personal number


def test_a_balikpapan_nik_gets_no_warning():
    assert identity.nik_warnings(MAN_NIK) == []


def test_an_empty_nik_gets_no_warning():
    assert identity.nik_warnings("") == []


# --- NIK agreement with the stored birth date and gender --------------------------------------------


def test_a_nik_agrees_with_the_same_birth_date_and_gender():
    info = identity.parse_nik(WOMAN_NIK, today=TODAY)
    assert identity.check_nik_agrees(info, birth_date=dt.date(1990, 5, 17), gender=FEMALE) == []


def test_it_reports_a_different_birth_date_on_the_birth_date_field():
    info = identity.parse_nik(MAN_NIK, today=TODAY)
    problems = identity.check_nik_agrees(info, birth_date=dt.date(1990, 5, 18), gender=MALE)
    assert [field for field, _ in problems] == ["birth_date"]
    error = problems[0][1]
    assert error.code == "nik_birth_date"
    assert (error.message % error.params).endswith("(NIK menunjukkan 17-05-1990).")


@pytest.mark.parametrize("birth_date", [dt.date(1990, 6, 17), dt.date(1991, 5, 17), dt.date(1890, 5, 17)])
def test_it_reports_a_birth_date_that_differs_in_month_or_year(birth_date):
    info = identity.parse_nik(MAN_NIK, today=TODAY)
    problems = identity.check_nik_agrees(info, birth_date=birth_date, gender=MALE)
    assert [field for field, _ in problems] == ["birth_date"]


def test_it_reports_a_woman_with_a_mans_nik_on_the_gender_field():
    info = identity.parse_nik(MAN_NIK, today=TODAY)
    problems = identity.check_nik_agrees(info, birth_date=dt.date(1990, 5, 17), gender=FEMALE)
    assert [field for field, _ in problems] == ["gender"]
    error = problems[0][1]
    assert error.code == "nik_gender"
    assert "laki-laki" in error.message % error.params


def test_it_reports_a_man_with_a_womans_nik_on_the_gender_field():
    info = identity.parse_nik(WOMAN_NIK, today=TODAY)
    problems = identity.check_nik_agrees(info, birth_date=dt.date(1990, 5, 17), gender=MALE)
    assert [field for field, _ in problems] == ["gender"]
    assert "perempuan" in problems[0][1].message % problems[0][1].params


def test_it_reports_both_fields_when_both_disagree():
    info = identity.parse_nik(MAN_NIK, today=TODAY)
    problems = identity.check_nik_agrees(info, birth_date=dt.date(1990, 1, 1), gender=FEMALE)
    assert sorted(field for field, _ in problems) == ["birth_date", "gender"]


def test_it_does_not_compare_what_is_missing():
    info = identity.parse_nik(MAN_NIK, today=TODAY)
    assert identity.check_nik_agrees(info, birth_date=None, gender=None) == []
    assert identity.check_nik_agrees(info, birth_date=None, gender="") == []


# --- NIP --------------------------------------------------------------------------------------------


def test_it_parses_a_mans_nip():
    assert identity.parse_nip(MAN_NIP, today=TODAY) == identity.NipInfo(
        birth_date=dt.date(1990, 5, 17), appointed=(2015, 3), gender=MALE, serial="001"
    )


def test_it_reads_gender_digit_2_as_a_woman():
    assert identity.parse_nip(WOMAN_NIP, today=TODAY).gender == FEMALE


def test_it_ignores_whitespace_around_a_nip():
    assert identity.parse_nip(f" {MAN_NIP} ", today=TODAY).appointed == (2015, 3)


@pytest.mark.parametrize(
    "value",
    [
        "19900517201503100",  # 17 digits
        "1990051720150310011",  # 19 digits
        "1990 0517 2015 03 1 001",
        "19900517201503100I",
        "１９９００５１７２０１５０３１００１",  # full-width digits
        "",
        None,
    ],
)
def test_it_rejects_a_nip_that_is_not_18_ascii_digits(value):
    error = nip_error(value)
    assert error.code in {"digits", "length"}
    assert "NIP" in error.message


@pytest.mark.parametrize(
    "value",
    [
        "199002302015031001",  # 30 February
        "199013172015031001",  # month 13
        "199005002015031001",  # day 00
        "199005322015031001",  # day 32
        "000005172015031001",  # year 0
    ],
)
def test_it_rejects_a_nip_with_an_impossible_birth_date(value):
    assert nip_error(value).code == "birth_date"


@pytest.mark.parametrize(
    "value",
    [
        "201001012025011001",  # 15 years old
        "200806022025011001",  # 17 tomorrow
        "192406012000011001",  # 101 years old
        "203001012020011001",  # born in the future
    ],
)
def test_it_rejects_a_nip_giving_an_age_outside_17_to_100(value):
    assert nip_error(value).code == "age"


def test_it_accepts_a_nip_of_someone_exactly_17():
    assert identity.parse_nip("200806012025051001", today=TODAY).birth_date == dt.date(2008, 6, 1)


@pytest.mark.parametrize("appointed", ["201500", "201513", "201599"])
def test_it_rejects_an_impossible_appointment_month(appointed):
    error = nip_error(f"19900517{appointed}1001")
    assert error.code == "tmt"
    assert "Bulan" in error.message


@pytest.mark.parametrize(
    "appointed",
    [
        "202507",  # next month
        "202601",  # next year
        "999912",
        "200412",  # aged 14 when appointed
        "198001",  # before birth
    ],
)
def test_it_rejects_an_implausible_appointment_year(appointed):
    error = nip_error(f"19900517{appointed}1001")
    assert error.code == "tmt"
    assert "Tahun" in error.message


@pytest.mark.parametrize("appointed", ["202506", "200501"])
def test_it_accepts_an_appointment_this_month_or_from_age_15(appointed):
    info = identity.parse_nip(f"19900517{appointed}1001", today=TODAY)
    assert info.appointed == (int(appointed[:4]), int(appointed[4:]))


@pytest.mark.parametrize("digit", ["0", "3", "9"])
def test_it_rejects_a_gender_digit_other_than_1_or_2(digit):
    error = nip_error(f"19900517201503{digit}001")
    assert error.code == "gender"


def test_it_rejects_nip_serial_000():
    error = nip_error("199005172015031000")
    assert error.code == "serial"
    assert "000" in error.message


def test_a_nip_agrees_with_the_same_birth_date_and_gender():
    info = identity.parse_nip(WOMAN_NIP, today=TODAY)
    assert identity.check_nip_agrees(info, birth_date=dt.date(1990, 5, 17), gender=FEMALE) == []


def test_it_reports_a_nip_disagreeing_with_the_birth_date_on_the_nip_field():
    info = identity.parse_nip(MAN_NIP, today=TODAY)
    problems = identity.check_nip_agrees(info, birth_date=dt.date(1990, 5, 18), gender=MALE)
    assert [field for field, _ in problems] == ["nip"]
    error = problems[0][1]
    assert error.code == "nip_birth_date"
    assert "17-05-1990" in error.message % error.params


def test_it_compares_the_full_birth_year_with_the_nip():
    info = identity.parse_nip(MAN_NIP, today=TODAY)
    problems = identity.check_nip_agrees(info, birth_date=dt.date(1890, 5, 17), gender=MALE)
    assert [error.code for _, error in problems] == ["nip_birth_date"]


def test_it_reports_a_nip_disagreeing_with_the_gender_on_the_nip_field():
    info = identity.parse_nip(MAN_NIP, today=TODAY)
    problems = identity.check_nip_agrees(info, birth_date=dt.date(1990, 5, 17), gender=FEMALE)
    assert [(field, error.code) for field, error in problems] == [("nip", "nip_gender")]


def test_nip_agreement_skips_what_is_missing():
    info = identity.parse_nip(MAN_NIP, today=TODAY)
    assert identity.check_nip_agrees(info, birth_date=None, gender=None) == []


# --- Masking ----------------------------------------------------------------------------------------


def test_mask_nik_keeps_the_first_and_last_four_digits():
    assert identity.mask_nik("6471010101900001") == "6471********0001"


def test_mask_nip_keeps_the_first_and_last_four_digits():
    assert identity.mask_nip(MAN_NIP) == "1990**********1001"


@pytest.mark.parametrize("mask", [identity.mask_nik, identity.mask_nip])
@pytest.mark.parametrize("value", [None, ""])
def test_masking_nothing_gives_an_empty_string(mask, value):
    assert mask(value) == ""


@pytest.mark.parametrize("mask", [identity.mask_nik, identity.mask_nip])
@pytest.mark.parametrize("value", ["647101", "64710117059000011", "1990051720150310012"])
def test_masking_a_value_of_the_wrong_length_hides_every_character(mask, value):
    assert mask(value) == "*" * len(value)


@no_hypothesis_db
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_a_masked_nik_never_shows_the_middle_eight_digits(nik):
    masked = identity.mask_nik(nik)
    assert len(masked) == 16
    assert masked[:4] == nik[:4] and masked[-4:] == nik[-4:]
    assert masked[4:12] == "********"


# --- Names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Drs. H. Abdul Rahman, S.Sos.",
        "Nur'aini",
        "Nur’aini",
        "Siti-Aisyah",
        "Hj. Siti Aminah, S.E., M.M.",
        "Budi",
        "La Ode Muhammad",
        "Andi Ṣāliḥ",
        "Ñoño",
    ],
)
def test_it_accepts_a_real_name(name):
    identity.validate_person_name(name)  # no error


@pytest.mark.parametrize(
    "name",
    [
        "<b>x</b>",
        "<script>alert(1)</script>",
        "Budi <b>",
        "{{ x }}",
        "Budi {{ request.user }}",
        "{% x %}",
        "Budi {% load static %}",
        "Budi 2",
        "R2D2",
        "Budi ٣",  # Arabic-Indic digit
        "Budi_Santoso",
        "Budi; DROP TABLE",
        "Budi\x00",
        "Bu\x00di",
        "Budi\tSantoso",
        "Budi\nSantoso",
        "Budi\u200bSantoso",  # zero-width space
        "Budi\x1bSantoso",
        "=HYPERLINK(x)",
        ".Budi",
        "-Budi",
        "",
    ],
)
def test_it_rejects_markup_digits_and_control_characters_in_a_name(name):
    with pytest.raises(ValidationError) as excinfo:
        identity.validate_person_name(name)
    assert "Nama" in excinfo.value.messages[0]


@pytest.mark.parametrize("name", [" Budi", "Budi ", "Budi\n", "\tBudi", "Budi  Santoso"])
def test_it_rejects_leading_trailing_or_double_spaces_in_a_name(name):
    with pytest.raises(ValidationError) as excinfo:
        identity.validate_person_name(name)
    assert "spasi" in excinfo.value.messages[0]


# --- Properties -------------------------------------------------------------------------------------

region_part = st.integers(min_value=1, max_value=99).map(lambda n: f"{n:02d}")
regions = st.tuples(region_part, region_part, region_part).map("".join)
genders = st.sampled_from([MALE, FEMALE])
# Birth dates giving an age of 17..100 on TODAY.
plausible_birth_dates = st.dates(min_value=dt.date(1924, 6, 2), max_value=dt.date(2008, 6, 1))


def test_the_plausible_birth_date_bounds_are_the_age_limits():
    assert age_on(dt.date(1924, 6, 2), TODAY) == identity.MAX_AGE_YEARS
    assert age_on(dt.date(1924, 6, 1), TODAY) == identity.MAX_AGE_YEARS + 1
    assert age_on(dt.date(2008, 6, 1), TODAY) == identity.MIN_AGE_YEARS
    assert age_on(dt.date(2008, 6, 2), TODAY) == identity.MIN_AGE_YEARS - 1


@no_hypothesis_db
@given(
    region=regions,
    birth_date=plausible_birth_dates,
    gender=genders,
    serial=st.integers(min_value=1, max_value=9999),
)
def test_every_nik_made_for_a_valid_person_parses_back_to_the_same_facts(region, birth_date, gender, serial):
    nik = identity.make_nik(region=region, birth_date=birth_date, gender=gender, serial=serial)
    assert re.fullmatch(r"[0-9]{16}", nik)
    info = identity.parse_nik(nik, today=TODAY)
    assert info == identity.NikInfo(
        region=region, birth_date=birth_date, gender=gender, serial=f"{serial:04d}"
    )
    assert identity.check_nik_agrees(info, birth_date=birth_date, gender=gender) == []


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@no_hypothesis_db
@given(
    today=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2099, 12, 31)),
    gender=genders,
    data=st.data(),
)
def test_the_nik_century_is_right_for_any_adult_on_any_day_this_century(today, gender, data):
    youngest = years_before(today, identity.MIN_AGE_YEARS)
    oldest = years_before(today, identity.MAX_AGE_YEARS + 1) + dt.timedelta(days=1)
    birth_date = data.draw(st.dates(min_value=oldest, max_value=youngest), label="birth_date")
    assert identity.MIN_AGE_YEARS <= age_on(birth_date, today) <= identity.MAX_AGE_YEARS
    nik = identity.make_nik(region="647101", birth_date=birth_date, gender=gender, serial=1)
    info = identity.parse_nik(nik, today=today)
    assert (info.birth_date, info.gender) == (birth_date, gender)


@no_hypothesis_db
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_a_random_16_digit_string_either_parses_or_raises_validation_error(value):
    try:
        info = identity.parse_nik(value, today=TODAY)
    except ValidationError as exc:
        assert exc.code in {"region", "birth_date", "age", "serial"}
        assert exc.messages[0]
    else:
        # Whatever is accepted is a NIK that the rules would build, for a person of a plausible age.
        rebuilt = identity.make_nik(
            region=info.region, birth_date=info.birth_date, gender=info.gender, serial=int(info.serial)
        )
        assert rebuilt == value
        assert identity.MIN_AGE_YEARS <= age_on(info.birth_date, TODAY) <= identity.MAX_AGE_YEARS


@no_hypothesis_db
@given(
    st.one_of(
        st.text(max_size=24), st.text(alphabet=st.characters(categories=["Nd"]), min_size=16, max_size=16)
    )
)
def test_any_text_is_either_a_16_ascii_digit_nik_or_a_validation_error(value):
    try:
        identity.parse_nik(value, today=TODAY)
    except ValidationError:
        pass
    else:
        assert re.fullmatch(r"[0-9]{16}", value.strip())


@no_hypothesis_db
@given(
    birth_date=plausible_birth_dates,
    gender=genders,
    serial=st.integers(min_value=1, max_value=999),
    data=st.data(),
)
def test_every_nip_made_for_a_valid_person_parses_back_to_the_same_facts(birth_date, gender, serial, data):
    first = (birth_date.year + 15, 1)
    appointed = data.draw(
        st.tuples(st.integers(first[0], TODAY.year), st.integers(1, 12)).filter(
            lambda ym: ym <= (TODAY.year, TODAY.month)
        ),
        label="appointed",
    )
    nip = identity.make_nip(birth_date=birth_date, appointed=appointed, gender=gender, serial=serial)
    assert re.fullmatch(r"[0-9]{18}", nip)
    info = identity.parse_nip(nip, today=TODAY)
    assert info == identity.NipInfo(
        birth_date=birth_date, appointed=appointed, gender=gender, serial=f"{serial:03d}"
    )
    assert identity.check_nip_agrees(info, birth_date=birth_date, gender=gender) == []


@no_hypothesis_db
@given(st.text(alphabet="0123456789", min_size=18, max_size=18))
def test_a_random_18_digit_string_either_parses_or_raises_validation_error(value):
    try:
        info = identity.parse_nip(value, today=TODAY)
    except ValidationError as exc:
        assert exc.code in {"birth_date", "age", "tmt", "gender", "serial"}
    else:
        rebuilt = identity.make_nip(
            birth_date=info.birth_date, appointed=info.appointed, gender=info.gender, serial=int(info.serial)
        )
        assert rebuilt == value


@no_hypothesis_db
@given(
    st.one_of(
        st.text(max_size=24), st.text(alphabet=st.characters(categories=["Nd"]), min_size=18, max_size=18)
    )
)
def test_any_text_is_either_an_18_ascii_digit_nip_or_a_validation_error(value):
    try:
        identity.parse_nip(value, today=TODAY)
    except ValidationError:
        pass
    else:
        assert re.fullmatch(r"[0-9]{18}", value.strip())


@no_hypothesis_db
@given(st.text(max_size=60))
def test_validate_person_name_raises_nothing_but_validation_error(value):
    try:
        identity.validate_person_name(value)
    except ValidationError:
        return
    assert value == value.strip()
    assert not re.search(r"[0-9<>{}%\x00-\x1f\x7f]", value)
