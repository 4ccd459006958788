"""The matching evaluation's data: generated postings, the gold set, the pairwise checks."""

from collections import Counter

from evaluation.matching import gold, pairwise, postings, rankers, suite


def test_the_stored_postings_are_what_the_seeded_generator_writes():
    assert list(postings.load()) == postings.generate()


def test_postings_cover_enough_occupations_with_realistic_variation():
    records = postings.load()
    assert len(records) >= 300
    assert len({p["onet_code"] for p in records}) >= 40
    assert set(Counter(p["seniority"] for p in records)) == {"junior", "mid", "senior", "lead"}
    assert any("skills" not in p for p in records)  # description only
    assert any(len(p.get("skills") or []) >= 17 for p in records)  # long technology lists
    lengths = sorted(len(p["description"]) for p in records)
    assert lengths[0] < 400 < 1200 < lengths[-1]


def test_rankers_never_see_the_occupation_or_level_labels():
    public = postings.public(postings.load()[0])
    assert not {"onet_code", "seniority", "years_required", "required"} & set(public)


def test_every_gold_pair_is_judged_by_both_judges_on_the_0_to_3_scale():
    rows = gold.load()
    pairs = {(r["resume_id"], r["posting_id"]) for r in rows}
    assert len(pairs) >= 300
    assert len({r for r, _ in pairs}) >= 30
    assert set(Counter(r for r, _ in pairs).values()) == {10}
    known = {p["id"] for p in postings.load()}
    assert {p for _, p in pairs} <= known
    for judge in ("a", "b"):
        judged = {(r["resume_id"], r["posting_id"]) for r in rows if r["judge"] == judge}
        assert judged == pairs
    assert {r["grade"] for r in rows} <= {0, 1, 2, 3}


def test_pairwise_cases_differ_only_in_what_the_check_is_about():
    cases = pairwise.cases()
    assert len(cases) >= 100
    for case in cases:
        if case.kind in ("senior_resume", "junior_resume"):
            assert case.better.get("skills") == case.worse.get("skills")
            assert case.better["title"] != case.worse["title"]
        if case.kind == "long_list":
            assert len(case.better["skills"]) == 17 > len(case.worse["skills"]) == 3
            assert set(case.worse["skills"]) <= set(case.better["skills"])
        if case.kind == "same_occupation":
            assert case.better.get("skills") == case.worse.get("skills")


def test_an_oracle_ranker_scores_one_and_a_reversed_one_scores_less():
    candidates = [{"id": f"p{i}"} for i in range(6)]
    grades = {"p0": 0.0, "p1": 3.0, "p2": 1.0, "p3": 2.0, "p4": 0.0, "p5": 3.0}
    cases = [({}, "", candidates, grades)]

    def oracle(resume, text, cands):
        return [grades[c["id"]] for c in cands]

    def reversed_oracle(resume, text, cands):
        return [-grades[c["id"]] for c in cands]

    best = suite._layer(oracle, cases, relevant=3)
    assert best == {"ndcg5": 1.0, "ndcg10": 1.0, "mrr": 1.0}
    worst = suite._layer(reversed_oracle, cases, relevant=3)
    assert worst["ndcg5"] < 0.5
    assert worst["mrr"] == 1 / 5


def test_ties_are_broken_by_a_hash_not_by_the_order_candidates_came_in():
    ids = ["p-15-1252-00", "p-29-1141-00", "p-11-1011-00"]
    forward = rankers.order([1.0, 1.0, 1.0], ids)
    backward = rankers.order([1.0, 1.0, 1.0], ids[::-1])
    assert [ids[i] for i in forward] == [ids[::-1][i] for i in backward]
