"""Default legal text of the SK appointing the Sekretariat PPS (shared/DOMAIN.md, "The documents").

This is content, not code: the data migration copies it into a DecreeTemplate once, and from then on staff
edit it in the admin. Marked [check] in DOMAIN.md: the legal team should review before real use.
"""

TITLE = (
    "PENETAPAN SEKRETARIAT PANITIA PEMUNGUTAN SUARA DALAM PEMILIHAN GUBERNUR DAN WAKIL GUBERNUR "
    "KALIMANTAN TIMUR SERTA WALI KOTA DAN WAKIL WALI KOTA BALIKPAPAN TAHUN 2024"
)

CONSIDERATIONS = [
    "bahwa untuk mendukung kelancaran pelaksanaan tugas, wewenang, dan kewajiban Panitia Pemungutan "
    "Suara dalam Pemilihan Gubernur dan Wakil Gubernur Kalimantan Timur serta Wali Kota dan Wakil Wali "
    "Kota Balikpapan Tahun 2024, perlu dibentuk Sekretariat Panitia Pemungutan Suara;",
    "bahwa Lurah se-Kota Balikpapan telah memilih dan menetapkan Sekretaris dan Staf Sekretariat "
    "Panitia Pemungutan Suara dengan Keputusan Lurah atas usul Panitia Pemungutan Suara;",
    "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan "
    "Keputusan Komisi Pemilihan Umum Kota Balikpapan tentang Penetapan Sekretariat Panitia Pemungutan "
    "Suara dalam Pemilihan Gubernur dan Wakil Gubernur Kalimantan Timur serta Wali Kota dan Wakil Wali "
    "Kota Balikpapan Tahun 2024;",
]

LEGAL_BASIS = [
    "Undang-Undang Nomor 1 Tahun 2015 tentang Penetapan Peraturan Pemerintah Pengganti Undang-Undang "
    "Nomor 1 Tahun 2014 tentang Pemilihan Gubernur, Bupati, dan Wali Kota menjadi Undang-Undang, "
    "sebagaimana telah beberapa kali diubah terakhir dengan Undang-Undang Nomor 6 Tahun 2020;",
    "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum sebagaimana telah diubah dengan Peraturan "
    "Pemerintah Pengganti Undang-Undang Nomor 1 Tahun 2022 tentang Perubahan atas Undang-Undang Nomor 7 "
    "Tahun 2017 tentang Pemilihan Umum;",
    "Peraturan Komisi Pemilihan Umum Nomor 8 Tahun 2019 tentang Tata Kerja Komisi Pemilihan Umum, Komisi "
    "Pemilihan Umum Provinsi, dan Komisi Pemilihan Umum Kabupaten/Kota sebagaimana telah beberapa kali "
    "diubah terakhir dengan Peraturan Komisi Pemilihan Umum Nomor 5 Tahun 2022;",
    "Peraturan Komisi Pemilihan Umum Nomor 8 Tahun 2022 tentang Pembentukan dan Tata Kerja Badan Ad Hoc "
    "Penyelenggara Pemilihan Umum dan Pemilihan Gubernur dan Wakil Gubernur, Bupati dan Wakil Bupati, "
    "serta Wali Kota dan Wakil Wali Kota;",
    "Peraturan Komisi Pemilihan Umum Nomor 2 Tahun 2024 tentang Tahapan dan Jadwal Pemilihan Gubernur "
    "dan Wakil Gubernur, Bupati dan Wakil Bupati, serta Wali Kota dan Wakil Wali Kota Tahun 2024;",
]

OBSERVATIONS = [
    "Keputusan Komisi Pemilihan Umum Nomor 476 Tahun 2022 tentang Pedoman Teknis Pembentukan Badan Ad Hoc "
    "Penyelenggara Pemilihan Umum dan Pemilihan, sebagaimana telah beberapa kali diubah terakhir dengan "
    "Keputusan Komisi Pemilihan Umum Nomor 638 Tahun 2024;",
    "Keputusan Lurah se-Kota Balikpapan tentang Penetapan Sekretaris dan Staf Sekretariat Panitia "
    "Pemungutan Suara;",
    "Berita Acara Rapat Pleno Komisi Pemilihan Umum Kota Balikpapan tentang Penetapan Sekretariat Panitia "
    "Pemungutan Suara.",
]

DICTUMS = [
    "Menetapkan nama-nama sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan "
    "dari Keputusan ini sebagai Sekretariat Panitia Pemungutan Suara dalam Pemilihan Gubernur dan Wakil "
    "Gubernur Kalimantan Timur serta Wali Kota dan Wakil Wali Kota Balikpapan Tahun 2024.",
    "Sekretariat Panitia Pemungutan Suara sebagaimana dimaksud dalam Diktum KESATU bertugas membantu "
    "Panitia Pemungutan Suara dalam urusan fasilitasi, administrasi, keuangan, logistik, teknis "
    "penyelenggaraan, dan dokumentasi.",
    "Masa kerja Sekretariat Panitia Pemungutan Suara sebagaimana dimaksud dalam Diktum KESATU terhitung "
    "mulai tanggal {mulai_tugas} sampai dengan tanggal {akhir_tugas}.",
    "Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada Naskah Perjanjian Hibah "
    "Daerah (NPHD) Pemilihan Gubernur dan Wakil Gubernur Kalimantan Timur serta Wali Kota dan Wakil Wali "
    "Kota Balikpapan Tahun 2024.",
    "Keputusan ini mulai berlaku pada tanggal ditetapkan.",
]
