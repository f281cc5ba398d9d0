"""Evidence files (证据): what a file is (``detect``), where its bytes live (``files``), its row (``model``).

model.py    EvidenceRow, the kinds (audio, video, image, document)
detect.py   the media type from the bytes, never the name; PDF structure; audio-only WebM/MP4
files.py    content-addressed storage: var/evidence/ab/cd/<sha256>, streamed, never overwritten
"""
