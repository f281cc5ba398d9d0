"""The electronic case file (电子卷宗): one ZIP an inspector can check offline.

    index.pdf        the Chinese index: summary, applicant, item, the path taken on the diagram,
                     timeline of every record entry, review checklist and opinion, decision,
                     deadlines, publication, evidence list (``index_pdf``, ``pdf_sections``, ``diagram``)
    evidence/…       every evidence file, named ``<sha256><ext>``
    records.json     the case's record entries with both chains' links (``entries``)
    manifest.json    SHA-256 and size of every other file, and the case chain head (``archive``)

``verify.verify_case_file`` needs nothing but the ZIP: it re-hashes every file and re-walks the
case chain (``record_chain.verify_chain(scope="case")``), naming anything altered or missing.
"""
