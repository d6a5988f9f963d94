"""The probe command's steps, kept out of cli.py so the CLI stays a thin layer."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from migrator.callrules import load_call_rules
from migrator.probe.data import ProbeData, load_probe_data
from migrator.probe.overlay import write_overlay
from migrator.probe.plan import Plan
from migrator.probe.report import planned_records, render_json, render_plan, render_text
from migrator.probe.session import build_plan, run_plan
from migrator.probe.transport import Sleep, Transport, hide
from migrator.probe.verdicts import Record, exit_code
from migrator.settings import Settings


class ProbeRun:
    def __init__(
        self,
        settings: Settings,
        key: str,
        base_url: str | None = None,
        concurrency: int | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        environ: Mapping[str, str] | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.settings = settings
        self.data: ProbeData = load_probe_data()
        self.key = key
        self.environ = os.environ if environ is None else environ
        self.base_url = (
            base_url or self.environ.get(settings.base_url_env) or settings.mistral_base_url
        ).rstrip("/")
        self.concurrency = concurrency or self.data.concurrency
        self.timeout = timeout or self.data.timeout
        self.retries = self.data.retries if retries is None else retries
        self.sleep = sleep

    def hide(self, text: str) -> str:
        return hide(text, self.key)

    def plan(self, paths: Sequence[Path]) -> Plan:
        return build_plan(paths, self.settings, self.data, self.environ, self.base_url)

    def transport(self) -> Transport:
        transport = Transport(
            self.base_url,
            self.key,
            timeout=self.timeout,
            retries=self.retries,
            max_retry_after=self.data.max_retry_after,
            backoff=self.data.backoff,
        )
        if self.sleep is not None:
            transport.sleep = self.sleep
        return transport

    def send(self, plan: Plan) -> list[Record]:
        return run_plan(plan, self.transport(), self.settings, self.data, self.concurrency)

    def render_plan(self, plan: Plan, output_format: str) -> str:
        if output_format == "json":
            return render_json(planned_records(plan))
        return render_plan(plan, self.base_url, self.data)

    def render(self, records: Sequence[Record], plan: Plan, output_format: str) -> str:
        if output_format == "json":
            return render_json(records)
        return render_text(records, plan, self.base_url)

    def update_rules(self, path: Path, records: Sequence[Record]) -> int:
        return write_overlay(path, records, load_call_rules(), self.data, self.base_url)

    def exit_code(self, records: Sequence[Record]) -> int:
        return exit_code(records, self.data)
