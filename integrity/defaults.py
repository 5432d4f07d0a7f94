"""Default pact text and ceremony (shared/DOMAIN.md, "Pakta Integritas"). Content, not code: copied once into
the database by a data migration, then edited by staff as new versions."""

import datetime as dt

TITLE = "PAKTA INTEGRITAS"

PREAMBLE = (
    "Dalam rangka mewujudkan penyelenggaraan Pemilihan Gubernur dan Wakil Gubernur Kalimantan Timur serta "
    "Wali Kota dan Wakil Wali Kota Balikpapan Tahun 2024 yang langsung, umum, bebas, rahasia, jujur, dan "
    "adil, saya yang bertanda tangan di bawah ini, selaku anggota Sekretariat Panitia Pemungutan Suara, "
    "dengan ini menyatakan bahwa saya:"
)

PLEDGES = [
    "Akan melaksanakan tugas dengan berpedoman pada asas langsung, umum, bebas, rahasia, jujur, dan adil "
    "secara profesional dan penuh tanggung jawab;",
    "Akan melaksanakan setiap tahapan Pemilihan dengan sungguh-sungguh, cermat, dan transparan sesuai "
    "ketentuan peraturan perundang-undangan;",
    "Akan bersikap adil dan tidak berpihak kepada pasangan calon, partai politik, maupun tim kampanye mana "
    "pun;",
    "Akan memberikan pelayanan yang baik kepada pemilih, termasuk akses terhadap informasi Pemilihan;",
    "Akan berkoordinasi dengan Panitia Pemungutan Suara dan penyelenggara lainnya dengan tetap menjaga "
    "kemandirian;",
    "Akan menolak segala bentuk pemberian, permintaan, maupun kesepakatan yang menyimpang dari "
    "penyelenggaraan Pemilihan yang jujur dan adil;",
    "Bersedia menerima sanksi sesuai ketentuan peraturan perundang-undangan apabila melanggar pakta "
    "integritas ini.",
]

CLOSING = "Demikian pakta integritas ini saya buat dengan sebenar-benarnya tanpa paksaan dari pihak mana pun."

CEREMONY_NAME = "Penandatanganan Pakta Integritas Sekretariat PPS"
CEREMONY_DATE = dt.date(2024, 6, 1)
CEREMONY_PLACE = "Hotel Novotel Balikpapan"
