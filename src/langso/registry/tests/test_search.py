"""Name search: what matches (both databases) and the PostgreSQL structures that keep it fast."""

import importlib
import random
import unicodedata

import pytest
from django.db import connection

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.core.text import fold, vietnamese_sort_key
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry.models import Resident
from langso.registry.search import ResidentSearchQuerySet, name_patterns, name_q
from langso.registry.selectors import ResidentFilters, resident_list
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes and the names table exist on PostgreSQL only"
)


def _names(qs):
    return [r.full_name for r in qs]


def _search(user, query):
    return _names(resident_list(user=user, filters=ResidentFilters(q=query)))


def _bulk_residents(household, full_names):
    """Insert many residents in one statement, with the derived columns the services compute."""
    return Resident.objects.bulk_create(
        Resident(
            household=household,
            village_id=household.village_id,
            commune_id=household.commune_id,
            province_id=household.province_id,
            full_name=name,
            name_folded=fold(name),
            sort_key=vietnamese_sort_key(name),
            sex="female" if " Thị " in name else "male",
            birth_year=1980,
        )
        for name in full_names
    )


# --- Patterns (no database) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "patterns"),
    [
        ("Nguyễn Văn A", ["%nguyen% van% a%"]),
        (unicodedata.normalize("NFD", "Nguyễn  Văn   An"), ["%nguyen% van% an%"]),
        ("nguyen an", ["%nguyen% an%"]),
        ("uyen", ["%uyen%"]),
        ("an", ["an%", "% an%"]),
        ("Đ", ["d%", "% d%"]),
        ("50%_x\\", ["%50\\%\\_x\\\\%"]),
        ("   ", []),
    ],
)
def test_a_query_becomes_words_in_order_each_later_one_starting_a_word(query, patterns):
    assert name_patterns(query) == patterns


# --- What matches, on both databases ----------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return VillageFactory(commune=commune(NGHIA_TA))


@pytest.fixture(params=["commune officer", "province staff"])
def searcher(request, village):
    """Both paths: a commune officer's plain query, and a province's search through names."""
    if request.param == "commune officer":
        return commune_officer(village.commune)
    return user_with_role(Role.PROVINCE_STAFF, province=village.commune.province)


def test_family_and_given_name_find_the_person_whatever_the_middle_name(village, searcher):
    household = HouseholdFactory(village=village)
    for name in ["Nguyễn Văn An", "Nguyễn Thị Anh", "Trần Văn An", "Nguyễn Văn Lan"]:
        ResidentFactory(household=household, full_name=name)
    assert _search(searcher, "nguyen an") == ["Nguyễn Văn An", "Nguyễn Thị Anh"]
    assert _search(searcher, "Nguyễn Văn A") == ["Nguyễn Văn An"]


def test_one_or_two_letters_match_the_start_of_a_word_only(village, searcher):
    household = HouseholdFactory(village=village)
    for name in ["Lê Văn An", "Lê Thị Anh", "Lê Thị Ân", "Lê Thị Lan", "Lò Văn Toàn"]:
        ResidentFactory(household=household, full_name=name)
    assert _search(searcher, "an") == ["Lê Văn An", "Lê Thị Anh", "Lê Thị Ân"]
    assert _search(searcher, "to") == ["Lò Văn Toàn"]


def test_words_keep_their_order_and_later_words_start_a_word(village, searcher):
    household = HouseholdFactory(village=village)
    for name in ["Trần Thị Thu Trang", "Bế Thị Thu Trang", "Trang Thị Trần"]:
        ResidentFactory(household=household, full_name=name)
    assert _search(searcher, "tran thi thu trang") == ["Trần Thị Thu Trang"]
    assert _search(searcher, "tran trang") == ["Trần Thị Thu Trang"]


def test_a_single_word_of_three_letters_or_more_matches_inside_a_word(village, searcher):
    household = HouseholdFactory(village=village)
    ResidentFactory(household=household, full_name="Nguyễn Thị Huyền")
    ResidentFactory(household=household, full_name="Lò Văn Páo")
    assert _search(searcher, "uyen") == ["Nguyễn Thị Huyền"]
    assert _search(searcher, "UYÊN") == ["Nguyễn Thị Huyền"]


def test_like_wildcards_typed_by_the_user_match_only_themselves(village, searcher):
    ResidentFactory(household=HouseholdFactory(village=village), full_name="Nguyễn Văn An")
    assert _search(searcher, "%") == []
    assert _search(searcher, "ng_yen") == []
    assert _search(searcher, "nguy%n") == []


def test_names_with_apostrophes_and_ede_word_order_are_found(village, searcher):
    household = HouseholdFactory(village=village)
    ResidentFactory(household=household, full_name="H'Hen Niê", sex="female")
    ResidentFactory(household=household, full_name="Y Moan Ênuôl")
    assert _search(searcher, "H’Hen") == ["H'Hen Niê"]  # a typographic apostrophe, as phones type it
    assert _search(searcher, "y moan") == ["Y Moan Ênuôl"]
    assert _search(searcher, "enuol") == ["Y Moan Ênuôl"]


# --- The fast path gives the plain query's answer ---------------------------------------------------

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bế"]
_MIDDLE = ["Văn", "Thị", "Ngọc", "Đức", "Thu"]
_GIVEN = ["An", "Anh", "Ánh", "Bình", "Dũng", "Hà", "Hoa", "Hòa", "Hoà", "Linh", "Trang", "Yến", "Yên"]


@pytest.fixture
def province_residents(village):
    """About 600 people of Thái Nguyên with many shared names, and a few elsewhere."""
    rng = random.Random(7)
    names = [f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}" for _ in range(560)]
    # Same sort_key, different folded names: the tie must not split a page.
    names += ["H'Hen Niê"] * 15 + ["HHen Niê"] * 15
    other_village = VillageFactory(commune=village.commune)
    _bulk_residents(HouseholdFactory(village=village), names[:300])
    _bulk_residents(HouseholdFactory(village=other_village), names[300:])
    elsewhere = HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG)))
    _bulk_residents(elsewhere, ["Nguyễn Văn An", "Trần Thị Yến", "H'Hen Niê"] * 5)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_resident")
    return village


QUERIES = [
    "nguyen",
    "nguyen van an",
    "an",
    "y",
    "thi yen",
    "hoa",
    "dang thu",
    "hen",
    "bi",
    "xyz",
    "Lê Thị Hoà",
]


@pytest.mark.parametrize("query", QUERIES)
def test_province_pages_equal_the_plain_query_on_every_slice(province_residents, query):
    staff = user_with_role(Role.PROVINCE_STAFF, province=province_residents.commune.province)
    plain = Resident.objects.filter(province_id=province_residents.commune.province_id)
    plain = plain.filter(name_q(query)).order_by("sort_key", "id")
    searched = resident_list(user=staff, filters=ResidentFilters(q=query))
    assert isinstance(searched, ResidentSearchQuerySet)
    assert searched.count() == plain.count()
    for start, stop in [(0, 25), (25, 50), (3, 4), (0, 1000), (500, 600)]:
        assert [r.pk for r in searched[start:stop]] == [r.pk for r in plain[start:stop]], (start, stop)
    assert [r.pk for r in searched] == [r.pk for r in plain]
    first = searched.first()
    assert first == plain.first()


def test_a_further_filter_on_the_result_is_honoured(province_residents):
    staff = user_with_role(Role.PROVINCE_STAFF, province=province_residents.commune.province)
    searched = resident_list(user=staff, filters=ResidentFilters(q="nguyen"))
    women = [r.full_name for r in searched.filter(sex="female")[:50]]
    assert women and all(" Thị " in name for name in women)


def test_a_page_holds_the_related_village_and_household_without_more_queries(province_residents):
    from django.test.utils import CaptureQueriesContext

    staff = user_with_role(Role.PROVINCE_STAFF, province=province_residents.commune.province)
    page = list(resident_list(user=staff, filters=ResidentFilters(q="nguyen"))[:25])
    with CaptureQueriesContext(connection) as queries:
        [(r.village.name, r.household.code) for r in page]
    assert len(queries) == 0


# --- PostgreSQL structures --------------------------------------------------------------------------


@postgres_only
def test_migration_installs_the_extensions_indexes_and_names_table():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        assert {"pg_trgm", "unaccent"} <= {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'registry_resident%'")
        indexes = dict(cursor.fetchall())
    assert "gin_trgm_ops" in indexes["resident_name_folded_trgm"]
    assert "gin_trgm_ops" in indexes["registry_resident_name_trgm"]
    assert "INCLUDE (name_folded)" in indexes["resident_province_sort_search"]
    assert "INCLUDE (name_folded)" in indexes["resident_commune_sort_search"]


@postgres_only
def test_the_migration_can_be_reversed_and_applied_again():
    migration = importlib.import_module("langso.registry.migrations.0002_postgres_search_indexes")

    def names_table_exists():
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('registry_resident_name') IS NOT NULL")
            return cursor.fetchone()[0]

    # DDL is transactional on PostgreSQL: the test's rollback puts everything back.
    with connection.schema_editor() as editor:
        migration.drop_search_structures(None, editor)
    assert not names_table_exists()
    with connection.schema_editor() as editor:
        migration.create_search_structures(None, editor)
    assert names_table_exists()


@postgres_only
def test_the_names_table_follows_inserts_and_updates(village):
    resident = ResidentFactory(household=HouseholdFactory(village=village), full_name="Ma Thị Nguyệt")

    def stored_names():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name_folded FROM registry_resident_name WHERE province_id = %s",
                [village.commune.province_id],
            )
            return {row[0] for row in cursor.fetchall()}

    assert "ma thi nguyet" in stored_names()
    Resident.objects.filter(pk=resident.pk).update(
        full_name="Ma Thị Nguyệt Ánh",
        name_folded="ma thi nguyet anh",
        sort_key=vietnamese_sort_key("Ma Thị Nguyệt Ánh"),
    )
    assert {"ma thi nguyet", "ma thi nguyet anh"} <= stored_names()


@postgres_only
def test_leftover_names_of_renamed_people_hide_no_one(province_residents):
    staff = user_with_role(Role.PROVINCE_STAFF, province=province_residents.commune.province)
    # Everyone called "... An" is renamed: their old names stay in the names table, matching no one.
    for resident in Resident.objects.filter(
        province_id=province_residents.commune.province_id, full_name__endswith=" An"
    ):
        new_name = resident.full_name + "h Tú"
        Resident.objects.filter(pk=resident.pk).update(
            full_name=new_name, name_folded=fold(new_name), sort_key=vietnamese_sort_key(new_name)
        )
    plain = (
        Resident.objects.filter(province_id=province_residents.commune.province_id)
        .filter(name_q("an"))
        .order_by("sort_key", "id")
    )
    assert [r.pk for r in resident_list(user=staff, filters=ResidentFilters(q="an"))[:25]] == [
        r.pk for r in plain[:25]
    ]


@postgres_only
def test_explain_uses_the_trigram_indexes_for_a_search(province_residents):
    province_code = province_residents.commune.province_id
    # A modest table: make the planner's choice about the index, not about a tiny table.
    _bulk_residents(
        HouseholdFactory(village=province_residents),
        [f"{f} {m} {g}" for f in _FAMILY for m in _MIDDLE for g in _GIVEN] * 40,
    )
    with connection.cursor() as cursor:
        # Rows inserted in this (test) transaction wait in the GIN indexes' pending lists, which the
        # planner rightly finds slow to read; merge them as autovacuum would have.
        cursor.execute("SELECT gin_clean_pending_list('resident_name_folded_trgm')")
        cursor.execute("SELECT gin_clean_pending_list('registry_resident_name_trgm')")
        cursor.execute("ANALYZE registry_resident")
        cursor.execute("ANALYZE registry_resident_name")
        cursor.execute(
            "EXPLAIN SELECT id FROM registry_resident WHERE province_id = %s AND name_folded LIKE %s",
            [province_code, "%hhen% ni%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "resident_name_folded_trgm" in plan, plan
        cursor.execute(
            "EXPLAIN SELECT sort_key FROM registry_resident_name WHERE province_id = %s AND name_folded LIKE %s",
            [province_code, "%hhen% ni%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "registry_resident_name_trgm" in plan, plan
