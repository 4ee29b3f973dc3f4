"""Every environment variable the settings read is documented in .env.example and the README,
and nothing documented is unknown to the settings."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "helpdesk" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))


def variables_in_env_example() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^([A-Z_]+)=", text, flags=re.MULTILINE))


def variables_in_readme_table() -> set[str]:
    text = (ROOT / "README.md").read_text()
    return set(re.findall(r"^\| `([A-Z_]+)` \|", text, flags=re.MULTILINE))


def test_env_example_lists_exactly_the_settings_variables():
    assert variables_in_env_example() - COMPOSE_ONLY == variables_read_by_settings()


def test_readme_table_lists_exactly_the_settings_variables():
    assert variables_in_readme_table() - COMPOSE_ONLY == variables_read_by_settings()
