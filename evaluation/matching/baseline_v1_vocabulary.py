"""FROZEN copy of services/jobs/jobtrail/jobs/vocabulary.py at commit 9ad94e4 (baseline_v1).

The skills vocabulary: one canonical name per skill, whatever casing or synonym is used.

"JS", "javascript" and "JavaScript" are one skill; so are "Postgres" and "PostgreSQL".
Skills the vocabulary does not know are kept as written (compared case-insensitively).
"""

from __future__ import annotations

import re
from functools import cache

# canonical name: synonyms (the canonical name itself is always recognised)
SKILLS: dict[str, tuple[str, ...]] = {
    "JavaScript": ("js", "ecmascript", "es6"),
    "TypeScript": ("ts",),
    "Python": ("python3", "py"),
    "Java": (),
    "Kotlin": (),
    "Go": ("golang",),
    "Rust": (),
    "C": (),
    "C++": ("cpp", "c plus plus"),
    "C#": ("csharp", "c sharp"),
    ".NET": ("dotnet", "asp.net", ".net core"),
    "Ruby": (),
    "Ruby on Rails": ("rails", "ror"),
    "PHP": (),
    "Scala": (),
    "Swift": (),
    "Elixir": (),
    "SQL": (),
    "PostgreSQL": ("postgres", "psql", "pg"),
    "MySQL": ("mariadb",),
    "SQLite": (),
    "MongoDB": ("mongo",),
    "NoSQL": (),
    "Redis": (),
    "Elasticsearch": ("elastic search", "opensearch"),
    "Kafka": ("apache kafka",),
    "RabbitMQ": ("rabbit mq",),
    "NATS": ("nats jetstream", "jetstream"),
    "React": ("react.js", "reactjs"),
    "Vue.js": ("vue", "vuejs"),
    "Angular": ("angularjs", "angular.js"),
    "Node.js": ("node", "nodejs"),
    "Django": (),
    "Flask": (),
    "FastAPI": ("fast api",),
    "Spring": ("spring boot", "springboot"),
    "HTML": ("html5",),
    "CSS": ("css3",),
    "GraphQL": (),
    "REST": ("rest api", "restful", "rest apis"),
    "gRPC": (),
    "Docker": ("containers",),
    "Kubernetes": ("k8s",),
    "Terraform": (),
    "Ansible": (),
    "AWS": ("amazon web services",),
    "GCP": ("google cloud", "google cloud platform"),
    "Azure": ("microsoft azure",),
    "Linux": (),
    "Git": ("github", "gitlab"),
    "CI/CD": ("ci", "cd", "continuous integration", "continuous delivery"),
    "Machine Learning": ("ml",),
    "Deep Learning": ("dl",),
    "PyTorch": ("torch",),
    "TensorFlow": ("tf",),
    "NLP": ("natural language processing",),
    "Data Analysis": ("data analytics",),
    "Pandas": (),
    "NumPy": (),
    "Spark": ("apache spark", "pyspark"),
    "Airflow": ("apache airflow",),
    "Event Sourcing": ("event-sourcing", "event sourced", "event-sourced"),
    "Microservices": ("micro services", "microservice"),
    "Distributed Systems": ("distributed system",),
    "Agile": ("scrum", "kanban"),
    "Figma": (),
    "Excel": ("microsoft excel",),
    "Tableau": (),
    "Power BI": ("powerbi",),
    "Salesforce": (),
    "SEO": (),
    "Project Management": (),
    "Leadership": ("team leadership", "people management"),
    "Communication": ("communication skills",),
    "Testing": ("unit testing", "test automation", "tdd", "pytest"),
    "Security": ("cybersecurity", "infosec"),
}

# Short or common words that are skills only when written as such in a skills list.
_LIST_ONLY = {
    "c",
    "go",
    "ci",
    "cd",
    "ts",
    "py",
    "pg",
    "tf",
    "ml",
    "dl",
    "node",
    "rest",
    "security",
    "testing",
    "spring",
    "communication",
    "leadership",
    "containers",
    "swift",
    "rails",
    "torch",
    "excel",
    "vue",
    "mongo",
    "scala",
    "elastic search",
}


@cache
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, synonyms in SKILLS.items():
        for alias in (canonical, *synonyms):
            table[alias.lower()] = canonical
    return table


def canonical(skill: str) -> str:
    """The vocabulary's name for a skill, or the skill as written, trimmed."""
    cleaned = " ".join(skill.strip().split())
    return _aliases().get(cleaned.lower(), cleaned)


def key(skill: str) -> str:
    return canonical(skill).lower()


@cache
def _pattern() -> re.Pattern[str]:
    aliases = sorted((a for a in _aliases() if a not in _LIST_ONLY), key=len, reverse=True)
    body = "|".join(re.escape(a) for a in aliases)
    return re.compile(rf"(?<![\w+#.])(?:{body})(?![\w+#]|\.\w)", re.IGNORECASE)


def skills_in(text: str) -> list[str]:
    """The vocabulary's skills a free text names, in order of first mention."""
    found: dict[str, None] = {}
    for match in _pattern().finditer(text):
        found.setdefault(canonical(match.group(0)), None)
    return list(found)
