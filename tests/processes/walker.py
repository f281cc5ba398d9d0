"""Walk a case of a shipped process task by task through the JSON API, following its call activities into
the child cases they open (``processes/service_delivery.bpmn``, a called procedure) and walking the child's
own tasks, as the staff would on their task lists.

Each API call is one step: the case is restored from the database, the task completed with what a person
would type into the real form (``tests.integration.form_data``), and saved again.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from engine.kernel.process_kinds import is_procedure
from tests.integration.api_driver import deploy
from tests.integration.form_data import form_data, review
from tests.integration.recordings import MEDIA_ROLES, attach_recording
from tests.support import ROOT, MovableClock, auth

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
FORM_FILES = sorted(p.name for p in (ROOT / "forms").glob("*.form"))
WORKER = {"window-clerk": "wang", "handler": "zhao", "legal-reviewer": "qian", "approver": "sun"}
CO_SIGNERS = {"handler": ("zhao", "feng")}  # the two inspectors of a co-signed (会签) on-site check
Step = tuple[str, dict[str, Any]]
# what the window clerk does in a child case of each called procedure, in order
CALLED_STEPS: dict[str, list[Step]] = {
    "service_delivery": [("Task_Deliver", {}), ("Task_FileReceipt", {})],
}


def _process(name: str) -> etree._Element:
    root = etree.parse(str(ROOT / "processes" / f"{name}.bpmn")).getroot()
    found = root.find(f"{BPMN}process")
    assert found is not None
    return found


def properties(name: str) -> dict[str, str]:
    found = _process(name).iterfind(f"{BPMN}extensionElements/{CAMUNDA}properties/{CAMUNDA}property")
    return {str(p.get("name")): str(p.get("value")) for p in found}


def calls_of(name: str) -> dict[str, str]:
    """The process's call activities: element id → the called process's key."""
    return {str(n.get("id")): str(n.get("calledElement")) for n in _process(name).iter(f"{BPMN}callActivity")}


ALL_PROCESSES = sorted(p.stem for p in (ROOT / "processes").glob("*.bpmn"))
PROCEDURES = sorted(p for p in ALL_PROCESSES if is_procedure(properties(p)))
ITEMS = sorted(set(ALL_PROCESSES) - set(PROCEDURES))


class Walk:
    """One case of a shipped process, driven task by task through the API."""

    def __init__(self, client: Any, ctx: Any, clock: MovableClock, process: str) -> None:
        self.client, self.ctx, self.clock = client, ctx, clock
        self.calls = calls_of(process)
        files = [f"{process}.bpmn", *(f"{called}.bpmn" for called in sorted(set(self.calls.values())))]
        for names, folder in ((FORM_FILES, ROOT / "forms"), (files, ROOT / "processes")):
            response = deploy(client, *names, folder=folder)
            assert response.status_code == 201, response.get_json()
        opened = client.post("/api/v1/cases", json={"process": process}, headers=auth("wang"))
        assert opened.status_code == 201, opened.get_json()
        self.case_id = opened.get_json()["id"]
        self.done: list[str] = []  # the parent's completed tasks
        self.children: dict[str, list[str]] = {}  # child case id → its completed tasks, in call order
        self.called: list[str] = []  # the call activities walked through

    def case(self, case_id: str | None = None) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/cases/{case_id or self.case_id}", headers=auth("zhou"))
        body: dict[str, Any] = response.get_json()
        return body

    def step(self, element: str, overrides: dict[str, Any]) -> None:
        """Complete the element's task; a multi-instance element's every instance, each by another signer;
        a call activity's child case, task by task."""
        if element not in self.calls:
            self._step_in(self.case_id, element, overrides, self.done)
            return
        assert not [t for t in self.case()["tasks"] if t["status"] == "ready"], (
            "the parent waits for its child"
        )
        running = [
            c for c in self.case()["children"] if c["status"] == "running" and c["element_id"] == element
        ]
        assert len(running) == 1, f"{element}: one child case, after {self.done}"
        child = running[0]["id"]
        done = self.children.setdefault(child, [])
        for child_element, child_overrides in CALLED_STEPS[self.calls[element]]:
            self._step_in(child, child_element, child_overrides, done)
        self.called.append(element)

    def _step_in(self, case_id: str, element: str, overrides: dict[str, Any], done: list[str]) -> None:
        ready = [t for t in self.case(case_id)["tasks"] if t["status"] == "ready"]
        assert {t["element_id"] for t in ready} == {element}, f"after {self.done} {self.children}"
        group = ready[0]["candidate_groups"][0]
        signers = CO_SIGNERS[group] if len(ready) > 1 else (WORKER[group],)
        assert len(ready) == len(signers), f"{element}: {len(ready)} instances"
        for task, user in zip(ready, signers, strict=True):
            self.complete(task, user, overrides, case_id)
            done.append(element)

    def complete(self, task: dict[str, Any], user: str, overrides: dict[str, Any], case_id: str = "") -> None:
        if task["form_id"] == "legal-review":
            data = review(**overrides)
        else:
            data = form_data(task["form_id"], **overrides)
        self.clock.advance(hours=2)
        if task["role"] in MEDIA_ROLES:
            attach_recording(self.ctx, case_id or self.case_id, task["id"], user)
        response = self.client.post(
            f"/api/v1/tasks/{task['id']}/complete", json={"variables": data}, headers=auth(user)
        )
        assert response.status_code == 200, (task["element_id"], response.get_json())
