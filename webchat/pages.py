"""The web pages, filled in from the settings and the content at start-up.

The page names who runs the assistant (``ORGANISATION_NAME``) and the date of
the newest content (``actions/data/content_meta.yml``, the date the content
check keeps true). The chat starts with the greeting and its buttons from
``domain.yml`` (``utter_greet``, Dutch and English), the very text the
assistant itself sends, shown before anything goes to the assistant. The
privacy statement names the controller, ``RETENTION_DAYS`` and the complaint
page of the Autoriteit Persoonsgegevens (from the guidance registry); the
accessibility statement shows the last recorded run of the browser tests
(``webchat/accessibility-test.yml``).

The page server serves these pages; the cluster writes them next to its copy
of ``webchat/static`` for nginx (``cluster.runner.publish_page``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

from actions.guidance import load_registry
from channels import config
from privacy.settings import retention_days
from scripts.content_rules import written_date
from webchat.templating import render, script_json

HERE = Path(__file__).parent
ROOT = HERE.parent
TEMPLATES = HERE / "templates"
CONTENT_META = ROOT / "actions" / "data" / "content_meta.yml"
GREETING_DOMAIN = ROOT / "domain.yml"
GREETING = "utter_greet"
ACCESSIBILITY_TEST = HERE / "accessibility-test.yml"
# The privacy statement links to the complaint page of the Autoriteit Persoonsgegevens (guidance registry).
AP_COMPLAINT = "ap_tip_or_complaint"
LANGUAGES = ("nl", "en")

# Address on the page server -> page file (a template in webchat/templates/).
ROUTES: Dict[str, str] = {
    "/": "index.html",
    "/privacy": "privacy.html",
    "/privacy/en": "privacy-en.html",
    "/toegankelijkheid": "toegankelijkheid.html",
    "/toegankelijkheid/en": "toegankelijkheid-en.html",
}


def _read_yaml(path: Path) -> Dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def content_date(path: Optional[Path] = None) -> date:
    """Returns the date of the newest content (``content_date`` in content_meta.yml, or ``path``)."""
    return date.fromisoformat(str(_read_yaml(path or CONTENT_META)["content_date"]))


def greeting(path: Optional[Path] = None) -> Dict[str, Dict[str, Any]]:
    """Returns the assistant's greeting per language, as the domain holds it.

    Args:
        path: The domain file with ``utter_greet``; ``domain.yml`` when None.

    Returns:
        ``{"nl": {"text": ..., "buttons": [{"title": ..., "payload": ...}]}, "en": ...}``: the
        variation without a condition is Dutch, the one for the ``language`` slot ``en`` English.

    Raises:
        ValueError: A language has no greeting.
    """
    found: Dict[str, Dict[str, Any]] = {}
    path = path or GREETING_DOMAIN
    for variation in _read_yaml(path)["responses"][GREETING]:
        language = "nl"
        for condition in variation.get("condition") or []:
            if condition.get("name") == "language":
                language = str(condition.get("value"))
        buttons = [{"title": str(button["title"]), "payload": str(button["payload"])}
                   for button in variation.get("buttons") or []]
        found.setdefault(language, {"text": str(variation["text"]), "buttons": buttons})
    missing = [language for language in LANGUAGES if language not in found]
    if missing:
        raise ValueError(f"{GREETING} in {path} has no variation for {', '.join(missing)}")
    return {language: found[language] for language in LANGUAGES}


def accessibility_test(path: Optional[Path] = None) -> Dict[str, Any]:
    """Returns the recorded browser test run for the accessibility statement.

    Args:
        path: The record; ``webchat/accessibility-test.yml`` (a copy of
            ``reports/browser/accessibility-test.yml`` from a run) when None.

    Returns:
        ``tested_on`` (a date), ``commit``, ``browser``, ``axe_core``, ``checks`` (what axe
        checked) and ``findings`` (per check, the ``rule`` and ``impact`` of what axe reported).
    """
    record = _read_yaml(path or ACCESSIBILITY_TEST)
    record["tested_on"] = date.fromisoformat(str(record["tested_on"]))
    return record


SERIOUS = ("serious", "critical")


def _findings(record: Dict[str, Any], serious: bool) -> str:
    """The rules axe reported, serious or not, each with its checks: ``region (chat open, privacy page)``."""
    by_rule: Dict[str, List[str]] = {}
    for check, found in (record.get("findings") or {}).items():
        for item in found:
            if (item.get("impact") in SERIOUS) == serious:
                by_rule.setdefault(str(item["rule"]), []).append(str(check))
    return "; ".join(f"{rule} ({', '.join(checks)})" for rule, checks in sorted(by_rule.items()))


def page_values(environ: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """Returns the values the page templates use.

    Args:
        environ: Settings (``ORGANISATION_NAME``, ``ORGANISATION_CONTACT``, ``RETENTION_DAYS``);
            ``os.environ`` when None.

    Returns:
        The values by name.
    """
    organisation = config.organisation_name(environ)
    updated = content_date()
    test = accessibility_test()
    dates = {language: written_date(updated, language) for language in LANGUAGES}
    return {
        "organisation": organisation,
        "contact": config.organisation_contact(environ),
        "ap_complaint_url": load_registry().get(AP_COMPLAINT).url,
        "retention_days": retention_days(environ),
        "content_date": updated.isoformat(),
        "content_date_nl": dates["nl"],
        "content_date_en": dates["en"],
        "tested_on": test["tested_on"].isoformat(),
        "tested_on_nl": written_date(test["tested_on"], "nl"),
        "tested_on_en": written_date(test["tested_on"], "en"),
        "tested_commit": test["commit"],
        "tested_browser": test["browser"],
        "tested_axe": test["axe_core"],
        "tested_checks": ", ".join(test["checks"]),
        "tested_serious": _findings(test, serious=True),
        "tested_findings": _findings(test, serious=False),
        "page_data": script_json({
            "organisation": organisation,
            "contentDate": {"iso": updated.isoformat(), **dates},
            "greeting": greeting(),
        }),
    }


def render_pages(environ: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """Fills in every page.

    Args:
        environ: Settings; ``os.environ`` when None.

    Returns:
        Page file name (``index.html``, ``privacy.html``...) -> HTML.
    """
    values = page_values(environ)
    return {name: render((TEMPLATES / name).read_text(encoding="utf-8"), values) for name in ROUTES.values()}
