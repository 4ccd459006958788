"""Pairwise checks that must always hold, generated from templates (deterministic).

Each case is a resume and two postings, `better` and `worse`; a ranker passes when it
scores `better` strictly above `worse` (for "long list": not below). Check types:
- `has_vs_lacks`: a posting requiring skills the resume shows beats the same posting
  requiring skills of the same field the resume lacks;
- `senior_resume`: for a senior resume, the senior posting beats the junior one (same text
  otherwise); `junior_resume`: the reverse for a graduate's resume;
- `same_occupation`: a posting of the resume's occupation beats one of another occupation
  naming as many of the resume's skills;
- `long_list`: a posting listing 17 technologies including all of the resume's is not beaten
  by one listing only 3 of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# field: (job title, duties, skills the resume could show, more skills of the same field)
FIELDS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "backend": (
        "Backend Developer",
        "Design, build and run web services and APIs.",
        ("Python", "Django", "PostgreSQL", "Docker", "Redis", "AWS"),
        (
            "Java",
            "Spring Boot",
            "Oracle",
            "Kafka",
            "Kubernetes",
            "Scala",
            "Hibernate",
            "Jenkins",
            "MongoDB",
            "Terraform",
            "Azure",
        ),
    ),
    "frontend": (
        "Frontend Developer",
        "Build responsive web interfaces used by customers.",
        ("JavaScript", "React", "TypeScript", "CSS", "HTML", "Redux"),
        (
            "Angular",
            "Vue.js",
            "Svelte",
            "Sass",
            "Webpack",
            "jQuery",
            "Ember.js",
            "Next.js",
            "Tailwind",
            "Storybook",
            "Cypress",
        ),
    ),
    "data": (
        "Data Scientist",
        "Build statistical models and analyses that guide decisions.",
        ("Python", "pandas", "scikit-learn", "SQL", "Tableau", "Statistics"),
        (
            "R",
            "SAS",
            "SPSS",
            "Spark",
            "Hadoop",
            "TensorFlow",
            "PyTorch",
            "Power BI",
            "Stata",
            "MATLAB",
            "Julia",
        ),
    ),
    "nurse": (
        "Registered Nurse",
        "Assess patients, give medication and keep care records.",
        (
            "Patient assessment",
            "Epic",
            "IV therapy",
            "Medication administration",
            "Wound care",
            "BLS",
        ),
        (
            "ACLS",
            "Cerner",
            "Dialysis",
            "Ventilator management",
            "Telemetry",
            "Triage",
            "Chemotherapy",
            "PALS",
            "MEDITECH",
            "Phlebotomy",
            "Neonatal care",
        ),
    ),
    "accounting": (
        "Accountant",
        "Prepare financial statements, reconcile accounts, file taxes.",
        ("QuickBooks", "Excel", "GAAP", "Accounts payable", "Reconciliation", "Payroll"),
        (
            "SAP FI",
            "Oracle Financials",
            "IFRS",
            "Audit",
            "Xero",
            "NetSuite",
            "Tax preparation",
            "Hyperion",
            "Sage",
            "Consolidation",
            "Forecasting",
        ),
    ),
    "teacher": (
        "Elementary School Teacher",
        "Plan lessons and teach pupils aged 6 to 11.",
        (
            "Lesson planning",
            "Classroom management",
            "Google Classroom",
            "Differentiated instruction",
            "Phonics",
            "Parent communication",
        ),
        (
            "Montessori",
            "IEP writing",
            "Special education",
            "Smartboard",
            "ESL",
            "Curriculum design",
            "Seesaw",
            "Nearpod",
            "Reading Recovery",
            "STEM",
            "Behaviour support",
        ),
    ),
    "legal": (
        "Attorney",
        "Advise clients, draft contracts and represent them in court.",
        (
            "Litigation",
            "Westlaw",
            "Contract drafting",
            "Legal research",
            "Negotiation",
            "Case management",
        ),
        (
            "LexisNexis",
            "Mergers and acquisitions",
            "Intellectual property",
            "Compliance",
            "Arbitration",
            "Employment law",
            "Due diligence",
            "Patent prosecution",
            "eDiscovery",
            "Corporate governance",
            "Securities law",
        ),
    ),
    "sales": (
        "Account Executive",
        "Win new business customers and grow existing accounts.",
        ("Salesforce", "Cold calling", "Negotiation", "Pipeline management", "B2B sales", "CRM"),
        (
            "HubSpot",
            "Account management",
            "Lead generation",
            "SaaS sales",
            "Contract negotiation",
            "Forecasting",
            "Territory planning",
            "LinkedIn Sales Navigator",
            "Channel sales",
            "Key accounts",
            "Upselling",
        ),
    ),
    "hr": (
        "HR Generalist",
        "Run recruiting, onboarding and employee relations.",
        ("Recruiting", "Workday", "Onboarding", "Employee relations", "Payroll", "HRIS"),
        (
            "ADP",
            "Benefits administration",
            "Compensation",
            "Labour law",
            "Talent management",
            "Performance management",
            "Taleo",
            "SuccessFactors",
            "Training",
            "Diversity",
            "Workforce planning",
        ),
    ),
    "mechanical": (
        "Mechanical Engineer",
        "Design machine parts and test prototypes.",
        ("SolidWorks", "AutoCAD", "FEA", "GD&T", "Prototyping", "MATLAB"),
        (
            "ANSYS",
            "CATIA",
            "Creo",
            "CFD",
            "Thermodynamics",
            "HVAC design",
            "Six Sigma",
            "Lean manufacturing",
            "Abaqus",
            "Siemens NX",
            "DFMEA",
        ),
    ),
}
OTHER = {
    "backend": "data",
    "frontend": "backend",
    "data": "backend",
    "nurse": "teacher",
    "accounting": "hr",
    "teacher": "hr",
    "legal": "hr",
    "sales": "hr",
    "hr": "sales",
    "mechanical": "backend",
}


@dataclass(frozen=True)
class Case:
    """One check: `better` must outrank `worse` for `resume` (or tie, when `ties_pass`)."""

    kind: str
    resume: dict[str, Any]
    resume_text: str
    better: dict[str, Any]
    worse: dict[str, Any]
    ties_pass: bool = False


def resume_for(field: str, level: str, variant: int) -> tuple[dict[str, Any], str]:
    """A JSON Resume and its text for a person of `field` at `level` (junior/senior)."""
    title, duties, skills, _ = FIELDS[field]
    have = list(skills[variant % 2 :][:5])
    if level == "senior":
        work = [
            {
                "name": "Northwind",
                "position": f"Senior {title}",
                "startDate": "2018-01",
                "highlights": [
                    f"{duties} Led a team of five.",
                    f"Used {have[0]} and {have[1]} daily.",
                ],
            },
            {
                "name": "Contoso",
                "position": title,
                "startDate": "2012-03",
                "endDate": "2017-12",
                "highlights": [f"Worked with {have[2]} and {have[3]}."],
            },
        ]
        label, summary = f"Senior {title}", f"{title} with 12 years of experience."
    else:
        work = [
            {
                "name": "Northwind",
                "position": f"{title} Intern",
                "startDate": "2024-06",
                "endDate": "2025-09",
                "highlights": [f"Assisted the team. Used {have[0]} and {have[1]}."],
            },
        ]
        label, summary = (
            f"Graduate {title}",
            f"Recent graduate looking for a first {title.lower()} role.",
        )
    document = {
        "basics": {"name": "Alex Doe", "label": label, "summary": summary},
        "work": work,
        "education": [
            {
                "institution": "State University",
                "studyType": "Bachelor",
                "area": field,
                "endDate": "2012-06" if level == "senior" else "2024-06",
            }
        ],
        "skills": [{"name": s} for s in have],
    }
    lines = [label, summary]
    for job in work:
        until = job.get("endDate", "present")
        lines.append(f"{job['position']} at {job['name']} ({job['startDate']} – {until})")
        lines.extend(job["highlights"])
    lines.append("Skills: " + ", ".join(have))
    return document, "\n".join(lines)


def posting(
    pid: str, field: str, level: str, skills: list[str], listed: bool = True
) -> dict[str, Any]:
    """A public posting of `field` at `level` asking for `skills`."""
    title, duties, _, _ = FIELDS[field]
    prefix, years = {"junior": ("Junior ", 0), "mid": ("", 3), "senior": ("Senior ", 8)}[level]
    years_line = (
        "No experience needed; graduates welcome."
        if years == 0
        else f"{years}+ years of experience."
    )
    description = (
        f"We are hiring a {prefix}{title}.\n\nResponsibilities:\n- {duties}\n\n"
        f"Requirements:\n- {years_line}\n" + "".join(f"- Experience with {s}\n" for s in skills)
    )
    record: dict[str, Any] = {
        "id": pid,
        "title": f"{prefix}{title}".strip(),
        "company": "Acme",
        "description": description,
    }
    if listed:
        record["skills"] = list(skills)
    return record


def cases() -> list[Case]:
    """About 100 cases: 10 fields × the check types × variants."""
    out: list[Case] = []
    for field, (_, _, _, more) in FIELDS.items():
        for variant in range(2):
            level = ("senior", "junior")[variant]
            resume, text = resume_for(field, level, variant)
            have = [s["name"] for s in resume["skills"]]
            lacks = list(more[variant * 4 : variant * 4 + 4])
            tag = f"{field}-{variant}"
            out.append(
                Case(
                    "has_vs_lacks",
                    resume,
                    text,
                    posting(f"pw-{tag}-a", field, "mid", have[:4], listed=variant == 0),
                    posting(f"pw-{tag}-b", field, "mid", lacks, listed=variant == 0),
                )
            )
            for listed in (True, False):
                senior, senior_text = resume_for(field, "senior", variant)
                out.append(
                    Case(
                        "senior_resume",
                        senior,
                        senior_text,
                        posting(f"pw-{tag}-{listed}-s", field, "senior", have[:3], listed),
                        posting(f"pw-{tag}-{listed}-j", field, "junior", have[:3], listed),
                    )
                )
                junior, junior_text = resume_for(field, "junior", variant)
                out.append(
                    Case(
                        "junior_resume",
                        junior,
                        junior_text,
                        posting(f"pw-{tag}-{listed}-j2", field, "junior", have[:3], listed),
                        posting(f"pw-{tag}-{listed}-s2", field, "senior", have[:3], listed),
                    )
                )
            other = OTHER[field]
            shared = have[:3]
            out.append(
                Case(
                    "same_occupation",
                    resume,
                    text,
                    posting(f"pw-{tag}-same", field, "mid", shared),
                    posting(f"pw-{tag}-other", other, "mid", shared),
                )
            )
            out.append(
                Case(
                    "same_occupation",
                    resume,
                    text,
                    posting(f"pw-{tag}-same-t", field, "mid", shared, listed=False),
                    posting(f"pw-{tag}-other-t", other, "mid", shared, listed=False),
                )
            )
            long_list = [*have, *more, "Microsoft Office"][:17]
            out.append(
                Case(
                    "long_list",
                    resume,
                    text,
                    posting(f"pw-{tag}-long", field, "mid", long_list),
                    posting(f"pw-{tag}-short", field, "mid", have[:3]),
                    ties_pass=True,
                )
            )
    return out
