"""Scores and explanations from skills and similarity; the skills vocabulary."""

from jobtrail.jobs import matching, vocabulary

RESUME = {
    "basics": {"label": "Backend engineer", "summary": "I build Python services."},
    "work": [{"position": "Engineer", "highlights": [
        "Built event-sourced billing on Postgres with NATS",
        "Wrote the React front end in JS",
    ]}],
    "skills": [{"name": "Backend", "keywords": ["Python", "Docker"]}],
}  # fmt: skip


def test_synonyms_and_casing_name_one_skill() -> None:
    assert vocabulary.canonical("JS") == "JavaScript"
    assert vocabulary.canonical("postgres") == "PostgreSQL"
    assert vocabulary.canonical("  k8s ") == "Kubernetes"
    assert vocabulary.canonical("Underwater Basket Weaving") == "Underwater Basket Weaving"


def test_skills_named_in_free_text_are_found_without_false_friends() -> None:
    found = vocabulary.skills_in("Node.js, C++ and C# on Postgres; go to the office; a rest day")
    assert found == ["Node.js", "C++", "C#", "PostgreSQL"]


def test_a_resume_shows_skills_from_its_list_and_its_bullets() -> None:
    profile, text = matching.resume_profile(RESUME)
    assert {"Python", "Docker", "PostgreSQL", "NATS", "React", "JavaScript"} <= set(profile.skills)
    assert "Built event-sourced billing on Postgres with NATS" in text


def test_covered_skills_raise_the_score_and_are_explained_with_bullets() -> None:
    resume, _ = matching.resume_profile(RESUME)
    fit = matching.posting_profile({"title": "Backend", "skills": ["python", "Postgres", "Go"]})
    misfit = matching.posting_profile({"title": "Nurse", "skills": ["Patient care"]})
    good = matching.score(fit, resume, similarity=0.5)
    bad = matching.score(misfit, resume, similarity=0.5)
    assert good.score > bad.score
    assert good.explanation["matched_skills"] == ["Python", "PostgreSQL"]
    assert good.explanation["missing_skills"] == ["Go"]
    [support] = [s for s in good.explanation["supported_requirements"]
                 if s["requirement"] == "PostgreSQL"]  # fmt: skip
    assert support["bullets"] == ["Built event-sourced billing on Postgres with NATS"]


def test_scores_stay_between_0_and_100() -> None:
    resume, _ = matching.resume_profile(RESUME)
    posting = matching.posting_profile({"title": "x", "skills": ["Python"]})
    assert matching.score(posting, resume, similarity=1.0).score == 100
    empty = matching.posting_profile({"title": "x"})
    assert matching.score(empty, resume, similarity=-1.0).score == 0


def test_a_posting_without_skills_is_scored_on_similarity_alone() -> None:
    resume, _ = matching.resume_profile(RESUME)
    posting = matching.PostingProfile(skills=[])
    assert matching.score(posting, resume, similarity=0.45).score == 50
