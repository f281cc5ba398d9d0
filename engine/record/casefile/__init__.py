"""The electronic case file (电子卷宗): one ZIP an inspector can check offline.

    index.pdf         the Chinese index: summary, applicant, item, the path taken on the diagram,
                      timeline of every record entry, review checklist and opinion, decision,
                      deadlines, publication, evidence list (``index_pdf``, ``pdf_sections``, ``diagram``)
    evidence/…        every evidence file, named ``<sha256><ext>``
    records.json      the case's record entries with both chains' links (``entries``)
    chain-proof.json  content hashes linking the case's entries to a signed head (``chain_proof``)
    manifest.json     SHA-256 and size of every other file, each signed; the case chain head, the
                      signed head, the public key, the manifest's signature (``archive``, ``signing``)

``verify.verify_case_file`` needs the ZIP and an anchor held from outside it (a head file, the
published key fingerprint, or the public key): it checks the signatures (``verify_signature``),
re-hashes every file, re-walks the case chain and links it to the signed heads (``verify_head``),
naming anything altered, added or removed (``report``).
"""
