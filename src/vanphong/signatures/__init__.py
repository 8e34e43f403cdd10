"""Digital signatures of PDFs (PAdES): `pdf` signs with a PKCS#12 file or a PKCS#11
token and verifies against the roots and CRLs the office trusts; `ca` is a DEMO
certificate authority for the demo and the tests, with no legal value."""
