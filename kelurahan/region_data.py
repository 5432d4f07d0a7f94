"""The 6 kecamatan and 34 kelurahan of Kota Balikpapan (region 64.71), as its migrations create them.

Codes and names follow Kepmendagri No. 100.1.1-6117 Tahun 2022 (the decree in force during Pilkada 2024),
as published in the public dataset cahyadsn/wilayah (then db/wilayah_2022.sql; at commit b7ad440a the same
data is db/archive/wilayah_2023.sql). Postal codes come from the same author's cahyadsn/wilayah_kodepos.
The nation's list, kelurahan/data/regions.csv.xz, follows the current Kepmendagri No. 300.2.2-2138 Tahun
2025 (db/wilayah.sql): Balikpapan's codes and postal codes are the same there, but six names are written
apart (Gunung Samarinda, Muara Rapak, Gunung Samarinda Baru, Gunung Sari Ulu, Gunung Sari Ilir, Gunung
Bahagia); `load_regions 64` brings that spelling. The migrations import this module, so it keeps the 2022
rows. Names keep the decree's spelling (e.g. "Gunungsamarinda", "Sungainangka"); staff may edit display
names in the admin, codes never change.
Note the gaps in Balikpapan Selatan (1002, 1006, 1008-1012): they are the decree's codes, not typos.
"""

# The province and the kota above them (migration 0007); the rest of the nation comes from `load_regions`.
PROVINCE = ("64", "Kalimantan Timur")
REGENCY = ("64.71", "Balikpapan")  # a kota: its number is 71 or above (kelurahan/codes.py)

KECAMATAN = [
    ("64.71.01", "Balikpapan Timur"),
    ("64.71.02", "Balikpapan Barat"),
    ("64.71.03", "Balikpapan Utara"),
    ("64.71.04", "Balikpapan Tengah"),
    ("64.71.05", "Balikpapan Selatan"),
    ("64.71.06", "Balikpapan Kota"),
]

# (code, name, postal code)
KELURAHAN = [
    ("64.71.01.1001", "Manggar", "76116"),
    ("64.71.01.1002", "Lamaru", "76117"),
    ("64.71.01.1003", "Teritip", "76118"),
    ("64.71.01.1004", "Manggar Baru", "76116"),
    ("64.71.02.1001", "Baru Ilir", "76131"),
    ("64.71.02.1002", "Baru Tengah", "76132"),
    ("64.71.02.1003", "Baru Ulu", "76133"),
    ("64.71.02.1004", "Kariangau", "76134"),
    ("64.71.02.1005", "Margo Mulyo", "76131"),
    ("64.71.02.1006", "Marga Sari", "76131"),
    ("64.71.03.1001", "Batu Ampar", "76136"),
    ("64.71.03.1002", "Gunungsamarinda", "76125"),
    ("64.71.03.1003", "Karang Joang", "76127"),
    ("64.71.03.1004", "Muararapak", "76125"),
    ("64.71.03.1005", "Gunungsamarinda Baru", "76128"),
    ("64.71.03.1006", "Graha Indah", "76129"),
    ("64.71.04.1001", "Gunungsari Ulu", "76122"),
    ("64.71.04.1002", "Gunungsari Ilir", "76121"),
    ("64.71.04.1003", "Karang Rejo", "76124"),
    ("64.71.04.1004", "Karang Jati", "76123"),
    ("64.71.04.1005", "Mekar Sari", "76122"),
    ("64.71.04.1006", "Sumber Rejo", "76124"),
    ("64.71.05.1002", "Sepinggan", "76115"),
    ("64.71.05.1006", "Gunungbahagia", "76114"),
    ("64.71.05.1008", "Sepinggan Baru", "76115"),
    ("64.71.05.1009", "Sepinggan Raya", "76115"),
    ("64.71.05.1010", "Sungainangka", "76114"),
    ("64.71.05.1011", "Damai Baru", "76114"),
    ("64.71.05.1012", "Damai Bahagia", "76114"),
    ("64.71.06.1001", "Prapatan", "76111"),
    ("64.71.06.1002", "Telaga Sari", "76111"),
    ("64.71.06.1003", "Klandasan Ulu", "76112"),
    ("64.71.06.1004", "Klandasan Ilir", "76113"),
    ("64.71.06.1005", "Damai", "76114"),
]
