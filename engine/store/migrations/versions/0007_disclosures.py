"""Disclosures (公示): decisions to publish, their redaction and withdrawal; applicants' query codes.

Revision ID: 0007
Revises: 0001
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    _disclosures()
    _query_codes()


def _disclosure_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("process_key", sa.String(200), nullable=False),
        sa.Column("item_name", sa.String(500), nullable=False),
        sa.Column("item_code", sa.String(100), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("decision_no", sa.String(100), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provenance", sa.String(10), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("draft_text", sa.Text(), nullable=False),
        sa.Column("preview_text", sa.Text(), nullable=False),
        sa.Column("preview_rules", sa.Text(), nullable=False),
        sa.Column("published_text", sa.Text(), nullable=True),
        sa.Column("published_rules", sa.Text(), nullable=False),
        sa.Column("published_at", TS, nullable=True),
        sa.Column("published_by", sa.String(64), nullable=True),
        sa.Column("withdrawn_at", TS, nullable=True),
        sa.Column("withdrawn_by", sa.String(64), nullable=True),
        sa.Column("withdrawal_kind", sa.String(20), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.Column("withdrawal_due_on", sa.Date(), nullable=True),
        sa.Column("withdrawal_late", sa.Boolean(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("working_days", sa.Integer(), nullable=True),
        sa.Column("limit_days", sa.Integer(), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
    ]


def _disclosures() -> None:
    op.create_table(
        "disclosures",
        *_disclosure_columns(),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_disclosures_case_id_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_disclosures"),
    )
    op.create_index("ix_disclosures_case_id", "disclosures", ["case_id"])
    op.create_index("ix_disclosures_status_due_on", "disclosures", ["status", "due_on"])
    op.create_index("ix_disclosures_status_published_at", "disclosures", ["status", "published_at"])
    op.create_index("ix_disclosures_process_key_decided_on", "disclosures", ["process_key", "decided_on"])


def _query_codes() -> None:
    op.create_table(
        "query_codes",
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("issued_at", TS, nullable=False),
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_query_codes_case_id_cases"),
        sa.PrimaryKeyConstraint("case_id", name="pk_query_codes"),
    )


def downgrade() -> None:
    op.drop_table("query_codes")
    for name in (
        "ix_disclosures_process_key_decided_on",
        "ix_disclosures_status_published_at",
        "ix_disclosures_status_due_on",
        "ix_disclosures_case_id",
    ):
        op.drop_index(name, table_name="disclosures")
    op.drop_table("disclosures")
