"""Reading uploaded scans: the checks of one scan file (checks.py), an upload cut into pages and each page's
QR codes read (pages.py), the pages waiting in staging while a worker reads them (intake.py). Generic: what a
page's code means is the apps' business (secretariat/services/scan_codes.py)."""
