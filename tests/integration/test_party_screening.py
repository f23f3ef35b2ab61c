"""Party screening in the session's published sample build (reads it only: no run of its own).

The sample's shipments carry five real list names as end users (hsguard.sample): a Denied
Persons entry and two SDN entries written as listed, an Entity List entry with one letter
changed, and an Entity List entry written as listed, shipped to its country (an EAR99 item).
The evaluation of the matcher on its held-out half is the data test
assert_screening_evaluation, run inside the same build (docs/SCREENING.md)."""

from __future__ import annotations

import duckdb
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def warehouse(sample_run):
    con = duckdb.connect(str(sample_run["warehouse"]), read_only=True)
    yield con
    con.close()


def test_the_evaluation_data_test_ran_and_passed_in_the_build(warehouse):
    rows = warehouse.execute(
        "select status from audit.dbt_node_results "
        "where unique_id = 'test.hsguard.assert_screening_evaluation'"
    ).fetchall()
    assert rows and all(status == "pass" for (status,) in rows)


def test_denied_persons_and_sdn_end_users_make_the_shipment_prohibited(warehouse):
    rows = warehouse.execute(
        """
        select matches.list_name, determinations.decision, determinations.evidence
        from marts.fct_party_screening_matches as matches
        inner join raw.erp_shipments as shipments
            on trim(shipments.end_user) = matches.end_user
        inner join marts.fct_license_determinations as determinations
            on shipments.shipment_id = determinations.shipment_id
        where matches.strength_rank = 1
            and matches.list_name in ('Denied Persons List', 'Specially Designated Nationals')
        """
    ).fetchall()
    lists = {list_name for list_name, _, _ in rows}
    assert lists == {"Denied Persons List", "Specially Designated Nationals"}
    for list_name, decision, evidence in rows:
        assert decision == "prohibited"
        citation = "736.2(b)(4)" if list_name == "Denied Persons List" else "31 CFR Chapter V"
        assert citation in evidence


def test_an_entity_list_end_user_makes_an_ear99_shipment_license_required_under_744_11(warehouse):
    rows = warehouse.execute(
        """
        select determinations.decision, determinations.decision_basis, determinations.citation,
            determinations.eccn, determinations.is_missing_licence, determinations.evidence
        from marts.fct_party_screening_matches as matches
        inner join raw.erp_shipments as shipments
            on trim(shipments.end_user) = matches.end_user
        inner join marts.fct_license_determinations as determinations
            on shipments.shipment_id = determinations.shipment_id
        where matches.strength_rank = 1 and matches.list_name = 'Entity List' and matches.match_kind = 'exact'
        """
    ).fetchall()
    assert len(rows) == 1
    decision, basis, citation, eccn, missing, evidence = rows[0]
    assert (decision, basis, eccn, missing) == ("license_required", "party_screening", "EAR99", True)
    assert "744.11" in citation and "744.11" in evidence and "Entity List" in evidence
    (flagged,) = warehouse.execute(
        """
        select list(distinct flags.check_code order by flags.check_code)
        from marts.fct_classification_flags as flags
        inner join raw.erp_shipments as shipments
            on flags.shipment_id = shipments.shipment_id
        inner join marts.fct_party_screening_matches as matches
            on trim(shipments.end_user) = matches.end_user
        where matches.list_name = 'Entity List' and matches.match_kind = 'exact'
        """
    ).fetchone()
    assert flagged == ["LICENSE_REQUIRED", "PARTY_SCREENING_HIT"]


def test_a_misspelt_entity_list_name_is_a_possible_match_with_its_reason(warehouse):
    severity, kind, reason, list_name = warehouse.execute(
        "select severity, match_kind, match_reason, list_name from marts.fct_party_screening_matches "
        "where end_user like 'Henan Dingxin Inforxation%' and strength_rank = 1"
    ).fetchone()
    assert (list_name, kind, severity) == ("Entity List", "fuzzy", "medium")
    assert "information~inforxation" in reason


def test_each_screened_line_has_one_graded_flag(warehouse):
    flags = warehouse.execute(
        "select severity, count(*) from marts.fct_classification_flags "
        "where check_code = 'PARTY_SCREENING_HIT' group by severity order by severity"
    ).fetchall()
    (lines,) = warehouse.execute(
        "select count(*) from intermediate.int_shipment_party_consequences"
    ).fetchone()
    assert sum(n for _, n in flags) == lines == 5
    # the Entity List name in its country: critical (exact and corroborated); the DPL and SDN
    # names: high (exact, the destination not among the entry's countries); the misspelt name:
    # medium
    assert dict(flags) == {"critical": 1, "high": 3, "medium": 1}
