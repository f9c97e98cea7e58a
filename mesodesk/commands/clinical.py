"""Headless clinical commands: ``screen`` and ``knowledge check``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mesodesk.commands.common import CommandError, service_errors
from mesodesk.domain.document import Consultation
from mesodesk.domain.knowledge import (
    KnowledgeBase,
    KnowledgeError,
    KnowledgeIssue,
    default_knowledge,
    load_knowledge,
)
from mesodesk.domain.screening import ScreeningResult, screen
from mesodesk.domain.summary import format_summary
from mesodesk.exit_codes import EXIT_BLOCKED, EXIT_INVALID, EXIT_OK

DEMO_EXAMPLE = "cellulite-arrhythmia.json"


def knowledge() -> KnowledgeBase:
    try:
        return default_knowledge()
    except KnowledgeError as error:
        raise CommandError(f"the knowledge base is invalid:\n{error}", EXIT_INVALID) from None


def load_document(path: str | Path, kb: KnowledgeBase) -> Consultation:
    """Read and validate a consultation document; errors name the file and the JSON path."""
    from mesodesk.services.documents import read_document

    with service_errors():
        return read_document(path, kb)


def blocked_message(result: ScreeningResult) -> str:
    causes = "\n".join(f"  {block.history}: {block.text}" for block in result.blocked_by)
    return f"clinically blocked:\n{causes}"


def screen_command(args: argparse.Namespace) -> int:
    kb = knowledge()
    doc = load_document(args.file, kb)
    result = screen(doc, kb)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_summary(doc, result, kb))
    if result.blocked:
        print(f"mesodesk: {blocked_message(result)}", file=sys.stderr)
        return EXIT_BLOCKED
    return EXIT_OK


def knowledge_check_command(args: argparse.Namespace) -> int:
    try:
        if args.directory:
            kb = load_knowledge(Path(args.directory))
        else:
            from mesodesk.paths import overlay_knowledge_dir

            kb = load_knowledge(overlay=overlay_knowledge_dir())
    except KnowledgeError as error:
        return _report_knowledge_issues(error.issues)
    if kb.translation_gaps:  # a text a patient of the clinic could not read
        return _report_knowledge_issues(kb.translation_gaps)
    print(f"knowledge base OK: {len(kb.concerns)} concerns, {len(kb.classes)} classes, "
          f"{len(kb.substances)} substances, {len(kb.history)} history items, "
          f"{len(kb.sources)} sources")
    return EXIT_OK


def _report_knowledge_issues(issues: list[KnowledgeIssue]) -> int:
    print(f"mesodesk: the knowledge base has {len(issues)} error(s):", file=sys.stderr)
    for issue in issues:
        print(f"  {issue}", file=sys.stderr)
    return EXIT_INVALID


def demo_screen() -> int:
    """What ``make run`` shows before the GUI exists: a bundled example, screened."""
    from mesodesk.paths import examples_dir

    path = examples_dir() / DEMO_EXAMPLE
    print(f"Screening the bundled example {path.name}:\n")
    return screen_command(argparse.Namespace(file=str(path), json=False))
