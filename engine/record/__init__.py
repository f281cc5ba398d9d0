"""The whole-process record (全过程记录): chains, appending, heads, verification, evidence, case file."""
