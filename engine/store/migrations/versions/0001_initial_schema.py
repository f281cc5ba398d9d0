"""Initial schema: users, processes, forms, cases, task projection, the append-only record.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 20:55:41.926795
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


REFUSE_CHANGES_FUNCTION = """
CREATE OR REPLACE FUNCTION sanxiang_records_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'records are append-only: % refused (全过程记录不可修改或删除)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
REFUSE_CHANGES_TRIGGER = """
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON records
FOR EACH STATEMENT EXECUTE FUNCTION sanxiang_records_refuse_change()
"""


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "forms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("form_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deployed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forms")),
        sa.UniqueConstraint("form_id", "version", name=op.f("uq_forms_form_id_version")),
    )
    op.create_table(
        "processes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("properties", sa.Text(), nullable=False),
        sa.Column("forms", sa.Text(), nullable=False),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deployed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processes")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_processes_key_version")),
    )
    with op.batch_alter_table("processes", schema=None) as batch_op:
        batch_op.create_index("ix_processes_key_sha256", ["key", "sha256"], unique=False)

    op.create_table(
        "records",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("case_seq", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("corrects", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("case_prev", sa.String(length=64), nullable=True),
        sa.Column("case_link", sa.String(length=64), nullable=True),
        sa.Column("global_prev", sa.String(length=64), nullable=False),
        sa.Column("global_link", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_records")),
        sa.UniqueConstraint("case_id", "case_seq", name=op.f("uq_records_case_id_case_seq")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_api_tokens")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=200), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("applicant", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["process_id"], ["processes.id"], name=op.f("fk_cases_process_id_processes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_business_key"), ["business_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)

    op.create_table(
        "user_groups",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("group_name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_groups_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "group_name", name=op.f("pk_user_groups")),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("process_key", sa.String(length=200), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("candidate_groups", sa.String(length=1000), nullable=False),
        sa.Column("candidate_users", sa.String(length=1000), nullable=False),
        sa.Column("form_id", sa.String(length=200), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_tasks_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_tasks_status_assignee", ["status", "assignee"], unique=False)

    op.create_table(
        "task_candidates",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_task_candidates_task_id_tasks")),
        sa.PrimaryKeyConstraint("task_id", "kind", "value", name=op.f("pk_task_candidates")),
    )
    with op.batch_alter_table("task_candidates", schema=None) as batch_op:
        batch_op.create_index("ix_task_candidates_kind_value", ["kind", "value"], unique=False)
    op.bulk_insert(
        sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.Integer)),
        [{"name": "records.global", "value": 0}],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE_CHANGES_FUNCTION)
        op.execute(REFUSE_CHANGES_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS records_append_only ON records")
        op.execute("DROP FUNCTION IF EXISTS sanxiang_records_refuse_change()")
    with op.batch_alter_table("task_candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_task_candidates_kind_value")

    op.drop_table("task_candidates")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_status_assignee")
        batch_op.drop_index(batch_op.f("ix_tasks_case_id"))

    op.drop_table("tasks")
    op.drop_table("user_groups")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_business_key"))

    op.drop_table("cases")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("records")
    with op.batch_alter_table("processes", schema=None) as batch_op:
        batch_op.drop_index("ix_processes_key_sha256")

    op.drop_table("processes")
    op.drop_table("forms")
    op.drop_table("counters")
