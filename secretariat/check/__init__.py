"""The public check page of issued documents (/cek/<code>/): no login, no cookie, rate-limited."""
