"""Record live traffic (scrubbed) and replay it offline (the sandbox can seed from it).

Pure standard library at this level (``layout``, ``leak_scan``) so the noxfile can
check and describe recordings before any venv exists; the VCR.py parts live in
``cassettes`` and are imported only inside a session venv.
"""
