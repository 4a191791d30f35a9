# tasdiq — Standard Moroccan Tamazight messages (IRCAM, Neo-Tifinagh). One file per language: ar.ftl, fr.ftl, en.ftl, zgh.ftl.
# Keep the keys identical in every file; a test checks that they match.
# Working translation: have it reviewed by a Tamazight speaker before public use.

lang-name = ⵜⴰⵎⴰⵣⵉⵖⵜ
site-name = ⵜⴰⵚⴷⵉⵇ
site-tagline = ⵉⴼⴰⵔⵉⵙⵏ ⵉⵜⵜⵓⵙⵙⵉⴷⵜⵏ ⵏ ⵜⵎⴰⵜⴰⵔⵉⵏ ⵏ ⵜⵄⴰⵡⵏⵉⵢⵉⵏ ⴳ ⵍⵎⵖⵔⵉⴱ
page-title = ⵉⵙ ⴰⴼⴰⵔⵉⵙ ⴰⴷ ⵉⴳⴰ ⴰⵏⵚⵍⵉ?
switch-language = ⵜⵓⵜⵍⴰⵢⵜ

## Verdicts: a title, what it means, and what to do.
verdict-authentic-title = ⴰⵏⵚⵍⵉ
verdict-authentic-body = ⵜⴰⴱⵟⴰⵇⵜ ⴰⴷ ⵜⴼⴽⴰ ⵜⵜ ⵜⵎⵙⵙⵓⵔⵜ ⵏ ⵓⵙⵙⵉⴷⵜ ⵉ ⵓⴼⴰⵔⵉⵙ ⴰⴷ. ⵜⴰⵎⴰⵜⴰⵔⵜ ⴷ ⵓⵎⴼⴰⵔⵙ ⵏⵏⵙ ⵓⵔ ⵖⵓⵔⵙⵏ ⴽⵔⴰ ⵏ ⵜⵎⵓⴽⵔⵉⵙⵜ.
verdict-authentic-action = ⵥⵕ ⵉⵙ ⴰⴼⴰⵔⵉⵙ, ⵜⴰⵔⴱⴰⵄⵜ ⴷ ⵓⵎⴼⴰⵔⵙ ⵍⵍⵉ ⵉⵍⵍⴰⵏ ⴷⴷⴰⵡ ⴷ ⵡⵉⵏ ⵓⴼⴰⵔⵉⵙ ⵍⵍⵉ ⵉⵍⵍⴰⵏ ⴳ ⵓⴼⵓⵙ ⵏⵏⴽ.
verdict-expired-title = ⵉⴼⵓⴽⴽⴰ ⵓⵙⴰⴽⵓⴷ
verdict-expired-body = ⵜⴰⴱⵟⴰⵇⵜ ⴰⴷ ⵜⴳⴰ ⵜⴰⵏⵚⵍⵉⵜ, ⵎⴰⵛ ⴰⵙⵙⵉⴷⵜ ⵏ ⵓⴼⴰⵔⵉⵙ ⵉⴼⵓⴽⴽⴰ ⴳ { $date }.
verdict-expired-action = ⵓⵔ ⵜⵜⴽⴰⵍ ⵅⴼ ⵜⴱⵟⴰⵇⵜ ⴰⴷ ⵉ ⵓⴼⴰⵔⵉⵙ ⵍⵍⵉ ⵉⵜⵜⵓⵣⵏⵣⴰⵏ ⴰⵙⵙ ⴰ. ⵙⵓⵜⵔ ⵉ ⵓⵎⵏⵣⴰⵢ ⵜⴰⵔⴱⴰⵄⵜ ⵍⵍⵉ ⵉⵜⵜⵓⵙⵙⵉⴷⵜⵏ ⵖⵉⵍⴰ.
verdict-revoked-title = ⵜⴰⵛⵀⴰⴷⵜ ⵜⵜⵓⴽⴽⵙ
verdict-revoked-body = ⵜⴰⴱⵟⴰⵇⵜ ⴰⴷ ⵜⴳⴰ ⵜⴰⵏⵚⵍⵉⵜ, ⵎⴰⵛ ⵜⴰⵛⵀⴰⴷⵜ ⵏⵏⵙ ⵜⵜⵓⴽⴽⵙ.
verdict-revoked-action = ⵓⵔ ⵜⵙⵙⴰⵖ ⴰⴼⴰⵔⵉⵙ ⴰⴷ ⵅⴼ ⵎⴰⵙ ⵉⵜⵜⵓⵙⵙⵉⴷⵜ. ⵎⴽ ⵜⵙⵖⵉⴷ ⵜ ⵢⴰⴷ, ⵃⴹⵓ ⵍⵡⵚⵍ ⵜⵙⵙⵉⵡⵍⴷ ⵅⴼⵙ ⴷⴷⴰⵡ.
verdict-suspended-title = ⵉⵜⵜⵓⵃⴱⴰⵙ
verdict-suspended-body = ⵜⴰⴱⵟⴰⵇⵜ ⴰⴷ ⵜⴳⴰ ⵜⴰⵏⵚⵍⵉⵜ, ⵎⴰⵛ ⴰⵣⵔⴼ ⵏ ⵓⵙⵎⵔⵙ ⵏ ⵜⵎⴰⵜⴰⵔⵜ ⵉⵜⵜⵓⵃⴱⴰⵙ ⵖⵉⵍⴰ.
verdict-suspended-action = ⴰⴼⴰⵔⵉⵙ ⵓⵔ ⵉⵜⵜⵓⵙⵙⵉⴷⵜ ⴰⵔ ⴷ ⵉⴼⵓⴽⴽ ⵓⵃⴱⴰⵙ. ⵙⵇⵙⴰ ⴰⵎⵏⵣⴰⵢ, ⵏⵖ ⵙⵙⵉⵡⵍ ⵅⴼⵙ ⴷⴷⴰⵡ.
verdict-counterfeit-title = ⵓⵔ ⵉⴳⵉ ⴰⵏⵚⵍⵉ
verdict-counterfeit-body = ⵜⴰⴱⵟⴰⵇⵜ ⴰⴷ ⵓⵔ ⵜⵜ ⵜⴼⴽⵉ ⵜⵎⵙⵙⵓⵔⵜ ⵏ ⵓⵙⵙⵉⴷⵜ. ⵜⵣⵎⵔ ⴰⴷ ⵜⴳ ⵜⴰⵎⵣⵣⵓⵔⵜ.
verdict-counterfeit-action = ⵓⵔ ⵜⵜⴰⵎⵏ ⵜⴰⵎⴰⵜⴰⵔⵜ ⵍⵍⵉ ⵉⵍⵍⴰⵏ ⵅⴼ ⵓⴼⴰⵔⵉⵙ ⴰⴷ. ⵜⵜⵅⵉⵍⴽ, ⵉⵏⵉ ⴰⵖ ⵎⴰⵏⵉ ⴳ ⵜ ⵜⵓⴼⵉⴷ.
verdict-malformed-title = ⵜⴰⵏⴳⴰⵍⵜ ⵓⵔ ⵉⵜⵜⵢⴰⵖⵔⴰⵏ
verdict-malformed-body = ⵜⴰⵏⴳⴰⵍⵜ ⴰⴷ ⵓⵔ ⵜⴽⵎⵎⵉⵍ. ⵉⵣⵎⵔ ⵉⵙ ⵉⵜⵜⵓⴱⴱⵉ ⵓⵣⴷⴰⵢ, ⵏⵖ ⵜⵜⵓⵢⴰⵔⵓ ⵜⵏⴳⴰⵍⵜ ⵙ ⵜⵣⴳⵍⵜ.
verdict-malformed-action = ⵖⵔ ⵜⴰⵏⴳⴰⵍⵜ ⴽⵢⵓⴰⵔ ⴷⴰⵖ, ⵏⵖ ⴰⵔⵓ ⵜⴰⵏⴳⴰⵍⵜ ⵜⴰⴳⵣⵣⴰⵍⵜ ⵍⵍⵉ ⵉⵜⵜⵓⵢⴰⵔⵓⵏ ⴷⴷⴰⵡⵙ.

## Why (the verdict's reason).
reason-valid = ⴰⵣⵎⵓⵍ ⵉⵜⵜⵓⵙⵙⵉⴷⵜ, ⵜⴰⵛⵀⴰⴷⵜ ⵜⵙⵡⵓⵔⵉ.
reason-expired = ⵉⴼⵓⴽⴽⴰ ⵓⵙⴰⴽⵓⴷ ⵏ ⵓⵙⵙⵉⴷⵜ.
reason-certificate_revoked = ⵉⴽⴽⵙ ⵜⴰⵛⵀⴰⴷⵜ ⵓⵎⵙⵙⵉⴷⵜ.
reason-key_compromised = ⵜⴰⵙⴰⵔⵓⵜ ⵍⵍⵉ ⵉⵣⵎⵍⵏ ⵜⴰⴱⵟⴰⵇⵜ ⴰⴷ ⵜⵜⵓⴽⵔ; ⵜⵉⴱⵟⴰⵇⵉⵏ ⵍⵍⵉ ⵉⵜⵜⵓⵣⵎⵍⵏ ⴷⴼⴼⵉⵔ ⵜⵓⴽⵔⴹⴰ ⵓⵔ ⵖⵓⵔⵙⵏⵜ ⴽⵔⴰ ⵏ ⵡⴰⵣⴰⵍ.
reason-brand_withdrawn = ⵜⴰⵎⴰⵜⴰⵔⵜ ⵜⵜⵓⴽⴽⵙ.
reason-member_withdrawn = ⴰⵣⵔⴼ ⵏ ⵓⵎⴼⴰⵔⵙ ⴳ ⵓⵙⵎⵔⵙ ⵏ ⵜⵎⴰⵜⴰⵔⵜ ⵉⵜⵜⵓⴽⴽⵙ.
reason-member_suspended = ⴰⵣⵔⴼ ⵏ ⵓⵎⴼⴰⵔⵙ ⴳ ⵓⵙⵎⵔⵙ ⵏ ⵜⵎⴰⵜⴰⵔⵜ ⵉⵜⵜⵓⵃⴱⴰⵙ.
reason-brand_suspended = ⵜⴰⵎⴰⵜⴰⵔⵜ ⵜⵜⵓⵃⴱⴰⵙ.
reason-bad_signature = ⴰⵣⵎⵓⵍ ⵓⵔ ⵉⵖⵓⴷⵉ: ⵜⴰⵏⴳⴰⵍⵜ ⵜⵜⵓⵙⵏⴼⵍ ⵏⵖ ⵜⵜⵓⵙⴽⴰⵔ ⵙ ⵜⵃⵉⵍⵜ.
reason-unknown_key = ⵜⴰⵏⴳⴰⵍⵜ ⵜⵜⵓⵣⵎⵍ ⵙ ⵜⵙⴰⵔⵓⵜ ⵍⵍⵉ ⵓⵔ ⵊⵊⵓ ⵏⵙⵎⵔⵙ.
reason-unknown_certificate = ⵓⵔ ⵊⵊⵓ ⵜⵜⵓⴼⴽⴰ ⴽⵔⴰ ⵏ ⵜⵛⵀⴰⴷⵜ ⵙ ⵓⵟⵟⵓⵏ ⴰⴷ.
reason-item_out_of_range = ⵓⵟⵟⵓⵏ ⴰⴷ ⵉⵍⵍⴰ ⴱⵕⵕⴰ ⵏ ⵜⵔⴱⴰⵄⵜ ⵉⵜⵜⵓⵙⵙⵉⴷⵜⵏ.
reason-key_mismatch = ⵜⴰⵏⴳⴰⵍⵜ ⵓⵔ ⵜⴳⵉ ⵜⵉⵏ ⵜⵛⵀⴰⴷⵜ ⵏⵏⵙ.
reason-brand_mismatch = ⵜⴰⵏⴳⴰⵍⵜ ⵓⵔ ⵜⴳⵉ ⵜⵉⵏ ⵜⵛⵀⴰⴷⵜ ⵏⵏⵙ.
reason-expiry_mismatch = ⵜⴰⵏⴳⴰⵍⵜ ⵓⵔ ⵜⴳⵉ ⵜⵉⵏ ⵜⵛⵀⴰⴷⵜ ⵏⵏⵙ.
reason-bad_length = ⵜⵉⵖⵣⵉ ⵏ ⵜⵏⴳⴰⵍⵜ ⵓⵔ ⵜⵖⵓⴷⵉ.
reason-non_digit = ⵜⴰⵏⴳⴰⵍⵜ ⴳⵉⵙ ⵉⵙⴽⴽⵉⵍⵏ ⵓⵔ ⵉⴳⵉⵏ ⵉⵎⴹⴰⵏⵏ.
reason-group_overflow = ⵜⴰⵏⴳⴰⵍⵜ ⴳⵉⵙ ⵉⵎⴹⴰⵏⵏ ⵓⵔ ⵉⵣⵎⵉⵔⵏ ⴰⴷ ⵉⵍⵉⵏ.
reason-unknown_version = ⵜⴰⵏⴳⴰⵍⵜ ⴰⴷ ⵜⴳⴰ ⵙⴳ ⵢⴰⵏ ⵓⵏⴰⵡ ⵓⵔ ⵏⵙⵙⵏ.

## Details of the certified product.
details-title = ⵅⴼ ⵓⴼⴰⵔⵉⵙ ⴰⴷ
field-brand = ⵜⴰⵎⴰⵜⴰⵔⵜ
field-producer = ⴰⵎⴼⴰⵔⵙ
field-region = ⵜⴰⵙⴳⴰ
field-province = ⵜⴰⵙⵎⵉⵔⵜ
field-product = ⴰⴼⴰⵔⵉⵙ
field-lot = ⵜⴰⵔⴱⴰⵄⵜ
field-item = ⵓⵟⵟⵓⵏ
item-of = { $item } ⵙⴳ { $total }
field-produced-on = ⵉⵜⵜⵓⴼⴰⵔⵙ ⴳ
field-expires-on = ⵜⴰⴳⴳⵓⵔⴰ ⵏ ⵓⵙⵙⵉⴷⵜ
field-certificate = ⵜⴰⵛⵀⴰⴷⵜ
field-first-scanned = ⴰⵙⵙⵉⴷⵜ ⴰⵎⵣⵡⴰⵔⵓ
field-scans = ⵜⵉⴽⴽⴰⵍ ⵏ ⵓⵙⵙⵉⴷⵜ
scans-count = { $count ->
    [one] ⵢⴰⵜ ⵜⵉⴽⴽⴰⵍⵜ
   *[other] { $count } ⵏ ⵜⵉⴽⴽⴰⵍ
}
first-scan-now = ⵜⴰⴷ ⴷ ⵜⵉⴽⴽⴰⵍⵜ ⵜⴰⵎⵣⵡⴰⵔⵓⵜ ⵍⵍⵉ ⴳ ⵏⵙⵙⵉⴷⵜ ⵜⴰⴱⵟⴰⵇⵜ ⴰⴷ.
badge-women-led = ⵜⴰⵄⴰⵡⵏⵉⵜ ⵏ ⵜⵎⵖⴰⵔⵉⵏ
badge-youth-led = ⵜⴰⵄⴰⵡⵏⵉⵜ ⵏ ⵉⵄⵔⵔⵉⵎⵏ

## Scan intelligence.
warning-suspected-copy-title = ⵜⴰⴱⵟⴰⵇⵜ ⴰⴷ ⵜⵣⵎⵔ ⴰⴷ ⵜⵜⵓⵙⵏⵖⵍ
warning-suspected-copy-body = ⵜⴰⴱⵟⴰⵇⵜ ⴰⴷ ⵙⵙⵉⴷⵜⵏ ⵜⵜ ⵎⵏⵏⴰⵡ ⵏ ⵎⵉⴷⴷⵏ ⵉⵎⵣⴰⵔⴰⵢⵏ, ⵏⵖ ⵎⵏⵏⴰⵡ ⵏ ⵜⵉⴽⴽⴰⵍ ⴰⵙⵙ ⴰ. ⵜⴰⴱⵟⴰⵇⵜ ⵜⴰⵏⵚⵍⵉⵜ ⵜⵍⵍⴰ ⵅⴼ ⵢⴰⵏ ⵓⴼⴰⵔⵉⵙ ⵖⴰⵙ.

## The short code printed under the QR code.
humancode-title = ⵙⵙⵉⴷⵜ ⵜⴰⵏⴳⴰⵍⵜ ⵜⴰⴳⵣⵣⴰⵍⵜ
humancode-help = ⴰⵔⵓ ⵜⴰⵏⴳⴰⵍⵜ ⵜⴰⴳⵣⵣⴰⵍⵜ ⵍⵍⵉ ⵉⵜⵜⵓⵢⴰⵔⵓⵏ ⴷⴷⴰⵡ ⵏ ⵜⵏⴳⴰⵍⵜ ⴽⵢⵓⴰⵔ, ⵙ ⵓⵎⴷⵢⴰ K7M2Q-9XD4T-0ABCD-EF123-45678.
humancode-field = ⵜⴰⵏⴳⴰⵍⵜ ⵜⴰⴳⵣⵣⴰⵍⵜ
humancode-submit = ⵙⵙⵉⴷⵜ
humancode-note = ⵜⵓⵔⵉⴷ ⵜⴰⵏⴳⴰⵍⵜ ⵜⴰⴳⵣⵣⴰⵍⵜ. ⵎⴽ ⵜⵖⵔⵉⴷ ⵜⴰⵏⴳⴰⵍⵜ ⴽⵢⵓⴰⵔ, ⴰⵙⵙⵉⴷⵜ ⵉⴷⵓⵙ ⵓⴳⴳⴰⵔ: ⵉⵙⵙⵉⴷⵜ ⴰⵡⴷ ⴰⵣⵎⵓⵍ ⵏ ⵜⴱⵟⴰⵇⵜ.
humancode-typo = ⵜⴰⵏⴳⴰⵍⵜ ⴰⴷ ⵜⴰⴳⵣⵣⴰⵍⵜ ⵓⵔ ⵜⵎⵙⴰⵙⴰ ⴷ ⴽⵔⴰ ⵏ ⵜⴱⵟⴰⵇⵜ. ⵙⵙⵉⴷⵜ ⴽⵓ ⴰⵙⴽⴽⵉⵍ (O ⴰⵎ 0, I ⴷ L ⴰⵎ 1); ⵎⴽ ⵓⵔ ⵜⵎⵙⴰⵙⴰ ⵙⵓⵍ, ⵉⵣⵎⵔ ⵉⵙ ⵜⴰⴱⵟⴰⵇⵜ ⵓⵔ ⵜⵍⵍⵉ ⵜⴰⵏⵚⵍⵉⵜ: ⵖⵔ ⵜⴰⵏⴳⴰⵍⵜ ⴽⵢⵓⴰⵔ ⵎⴽ ⵜⵣⵎⵔⴷ.
humancode-length = ⵜⴰⵏⴳⴰⵍⵜ ⵜⴰⴳⵣⵣⴰⵍⵜ ⴳⵉⵙ 25 ⵏ ⵉⵙⴽⴽⵉⵍⵏ ⴷ ⵉⵎⴹⴰⵏⵏ (ⴱⵍⴰ «-»). ⵙⵙⵉⴷⵜ ⵜⵜ.
humancode-char = ⴰⵙⴽⴽⵉⵍ «{ $char }» ⵓⵔ ⵉⵣⵎⵉⵔ ⴰⴷ ⵉⵍⵉ ⴳ ⵜⵏⴳⴰⵍⵜ ⵜⴰⴳⵣⵣⴰⵍⵜ.
humancode-unknown = ⵓⵔ ⵜⵍⵍⵉ ⴽⵔⴰ ⵏ ⵜⴱⵟⴰⵇⵜ ⵙ ⵜⵏⴳⴰⵍⵜ ⴰⴷ ⵜⴰⴳⵣⵣⴰⵍⵜ. ⵙⵙⵉⴷⵜ ⵜⴰⵏⴳⴰⵍⵜ, ⵏⵖ ⵖⵔ ⵜⴰⵏⴳⴰⵍⵜ ⴽⵢⵓⴰⵔ.

## Reporting a suspicious product.
report-title = ⵙⵙⵉⵡⵍ ⵅⴼ ⵓⴼⴰⵔⵉⵙ ⴰⴷ
report-intro = ⵉⵏⵉ ⵉ ⵉⵎⵙⵙⵉⴷⵜⵏ ⵎⴰⵏⵉ ⴳ ⵜ ⵜⵓⴼⵉⴷ. ⵓⵔ ⵜⵜⴰⵔⵓ ⵉⵙⴰⵍⵏ ⵅⴼ ⵉⵎⴰⵏ ⵏⵏⴽ.
report-where = ⵎⴰⵏⵉ ⴳ ⵜ ⵜⵙⵖⵉⴷ?
report-where-hint = ⵜⴰⵃⴰⵏⵓⵜ, ⴰⵙⵓⵇ ⵏⵖ ⵜⴰⵖⵔⵎⵜ
report-comment = ⵎⴰⴷ ⵜⵥⵕⵉⴷ?
report-submit = ⴰⵣⵏ ⴰⵏⵖⵎⵉⵙ
report-thanks = ⵜⴰⵏⵎⵎⵉⵔⵜ. ⴰⵏⵖⵎⵉⵙ ⵏⵏⴽ ⵢⵓⵡⴰⵣⵏ ⵉ ⵉⵎⵙⵙⵉⴷⵜⵏ.
report-rate-limited = ⵜⵓⵣⵏⴷ ⵢⴰⴷ ⵎⵏⵏⴰⵡ ⵏ ⵉⵏⵖⵎⵉⵙⵏ. ⵔⵎ ⴷⴰⵖ ⴷⴼⴼⵉⵔ.
report-invalid = ⵉⵏⵉ ⵎⴰⵏⵉ ⴳ ⵜⵙⵖⵉⴷ ⴰⴼⴰⵔⵉⵙ (ⴰⵔ 200 ⵏ ⵉⵙⴽⴽⵉⵍⵏ), ⵜⴳⴷ ⵎⴰ ⵜⵥⵕⵉⴷ ⴷⴷⴰⵡ 1000 ⵏ ⵉⵙⴽⴽⵉⵍⵏ.
report-expired = ⵜⴼⵓⴽⴽⴰ ⵜⵉⵣⵉ ⵏ ⵜⵍⵖⴰ. ⴰⵣⵏ ⵜⵜ ⴷⴰⵖ.

## Page furniture and errors.
footer-offline = ⴽⵓ ⵢⴰⵏ ⵉⵣⵎⵔ ⴰⴷ ⵉⵙⵙⵉⴷⵜ ⵜⴰⴱⵟⴰⵇⵜ ⵙ ⵜⵙⵓⵔⴰ ⵉⵜⵜⵓⵙⵙⵓⴼⵖⵏ, ⴱⵍⴰ ⴰⴷ ⵢⴰⵎⵏ ⵜⴰⵏⴰⴼⵓⵜ ⴰⴷ.
footer-what = ⵜⴰⵚⴷⵉⵇ ⵜⴳⴰ ⵜⴰⵏⴰⴼⵓⵜ ⵏ ⵓⵙⵙⵉⴷⵜ ⵏ ⵉⴼⴰⵔⵉⵙⵏ ⵏ ⵜⵎⴰⵜⴰⵔⵉⵏ ⵏ ⵜⵄⴰⵡⵏⵉⵢⵉⵏ ⴳ ⵍⵎⵖⵔⵉⴱ: ⵣⵣⵉⵜ ⵏ ⵡⴰⵔⴳⴰⵏ, ⵣⵣⴰⵄⴼⵔⴰⵏ, ⵜⵉⵢⵏⵉ, ⵜⵉⵣⵔⴱⵉⵢⵉⵏ, ⵜⴰⵍⴰⵅⵜ, ⵣⵣⵍⵉⵊ, ⵏⵏⵓⵇⵔⵜ ⴷ ⵡⴰⵢⵢⴰⴹ.
error-not-found-title = ⵓⵔ ⵏⵓⴼⵉ ⵜⴰⵙⵏⴰ
error-not-found-body = ⵓⵔ ⵉⵍⵍⵉ ⵡⴰⵍⵓ ⴳ ⵓⵏⵙⴰ ⴰⴷ.
error-bad-request-title = ⵓⵔ ⵏⵣⵎⵉⵔ ⴰⴷ ⵏⵖⵔ ⴰⵙⵓⵜⵔ ⴰⴷ
error-unavailable-title = ⵜⴰⵏⴰⴼⵓⵜ ⵓⵔ ⵜⵍⵍⵉ ⵖⵉⵍⴰ
error-unavailable-body = ⵜⴰⵏⴰⴼⵓⵜ ⵜⵄⵎⵎⵔ ⵏⵖ ⵜⵃⴱⵙ ⵉ ⵢⴰⵜ ⵜⵉⵣⵉ. ⵔⵎ ⴷⴰⵖ ⴷⴼⴼⵉⵔ ⵉⵎⵉⴽ.
error-too-large-title = ⴰⵙⵓⵜⵔ ⴰⴷ ⵉⵎⵖⵓⵔ ⴱⵣⵣⴰⴼ
error-too-large-body = ⵎⴰ ⵜⵣⵏⵣⵎ ⵉⵎⵖⵓⵔ ⴱⵣⵣⴰⴼ ⵅⴼ ⵎⴰ ⵜⵇⴱⵍ ⵜⴰⵏⴰⴼⵓⵜ ⴰⴷ. ⵙⵎⵥⵥⵉ ⵜ ⵜⴰⵣⵏⵜ ⵜ ⴷⴰⵖ.
back-home = ⵙⵙⵉⴷⵜ ⵢⴰⵜ ⵜⴱⵟⴰⵇⵜ ⵢⴰⴹⵏ

## The 12 regions.
region-tanger-tetouan-al-hoceima = ⵟⴰⵏⵊⴰ ⵜⵉⵟⵟⴰⵡⵉⵏ ⵍⵃⵓⵙⵉⵎⴰ
region-oriental = ⵜⴰⴳⵎⵎⵓⴹⵜ
region-fes-meknes = ⴼⴰⵙ ⵎⴽⵏⴰⵙ
region-rabat-sale-kenitra = ⵔⴱⴰⵟ ⵙⵍⴰ ⵇⵏⵉⵟⵔⴰ
region-beni-mellal-khenifra = ⴰⵢⵜ ⵎⵍⵍⴰⵍ ⵅⵏⵉⴼⵔⴰ
region-casablanca-settat = ⴰⵏⴼⴰ ⵙⵟⵟⴰⵜ
region-marrakech-safi = ⵎⵕⵕⴰⴽⵛ ⴰⵙⴼⵉ
region-draa-tafilalet = ⴷⵔⵄⴰ ⵜⴰⴼⵉⵍⴰⵍⵜ
region-souss-massa = ⵙⵓⵙ ⵎⴰⵙⵙⴰ
region-guelmim-oued-noun = ⴳⵍⵎⵉⵎ ⵡⴰⴷ ⵏⵓⵏ
region-laayoune-sakia-el-hamra = ⵍⵄⵢⵓⵏ ⵙⴰⴳⵉⵢⵢⴰ ⵍⵃⵎⵔⴰ
region-dakhla-oued-ed-dahab = ⴷⴷⴰⵅⵍⴰ ⵡⴰⴷ ⴷⴷⴰⵀⴰⴱ

## Officer interface.
o-title = ⵜⴰⵎⵙⵙⵓⵔⵜ ⵏ ⵓⵙⵙⵉⴷⵜ
o-nav-dashboard = ⵜⴰⴼⵍⵡⵉⵜ ⵏ ⵓⴹⴼⴼⵓⵕ
o-nav-brands = ⵜⵉⵎⴰⵜⴰⵔⵉⵏ
o-nav-producers = ⵉⵎⴼⴰⵔⵙⵏ
o-nav-certificates = ⵜⵉⵛⵀⴰⴷⵉⵏ
o-nav-issue = ⴼⴽ ⵢⴰⵜ ⵜⵛⵀⴰⴷⵜ
o-nav-audit = ⴰⵎⵣⵔⵓⵢ ⵏ ⵜⵉⴳⴰⵡⵉⵏ
o-nav-officers = ⵉⵎⵙⵙⵉⴷⵜⵏ
o-nav-apikeys = ⵜⵉⵙⵓⵔⴰ ⵏ API
o-nav-keys = ⵜⵉⵙⵓⵔⴰ ⵏ ⵓⵣⵎⵓⵍ
o-signout = ⴼⴼⵖ
o-signed-in-as = ⵜⴽⵛⵎⴷ ⴰⵎ
o-login-title = ⴰⴽⵛⵛⵓⵎ ⵏ ⵉⵎⵙⵙⵉⴷⵜⵏ
o-email = ⴰⵏⵙⴰ ⴰⵍⵉⴽⵜⵕⵓⵏⵉ
o-password = ⴰⵡⴰⵍ ⵏ ⵓⵣⵔⴰⵢ
o-login-submit = ⴽⵛⵎ
o-login-failed = ⴰⵏⵙⴰ ⴰⵍⵉⴽⵜⵕⵓⵏⵉ ⵏⵖ ⴰⵡⴰⵍ ⵏ ⵓⵣⵔⴰⵢ ⵓⵔ ⵉⵖⵓⴷⵉ.
o-login-limited = ⴳⵓⵜⵏⵜ ⵜⵉⴽⴽⴰⵍ ⵏ ⵓⴽⵛⵛⵓⵎ ⵓⵔ ⵉⵖⵓⴷⵉⵏ. ⵔⵊⵓ ⴽⵔⴰ ⵏ ⵜⵓⵙⴷⵉⴷⵉⵏ, ⵜⵔⵎⴷ ⴷⴰⵖ.
o-csrf-failed = ⵜⴰⵍⵖⴰ ⴰⴷ ⵜⴼⵓⴽⴽⴰ ⵏⵖ ⵓⵔ ⴷ ⵜⴽⴽⵉ ⵙⴳ ⵜⵏⴰⴼⵓⵜ ⴰⴷ. ⵔⵎ ⴷⴰⵖ.
o-forbidden = ⵜⴰⵖⵓⵍⵜ ⵏⵏⴽ ⵓⵔ ⴰⴽ ⵜⵜⴰⵊⵊⴰ ⴰⴷ ⵜⴳⴷ ⴰⵢⴰ.
o-saved = ⵉⵜⵜⵓⵃⴹⴰ.
o-search = ⵔⵣⵓ
o-filter-region = ⵜⴰⵙⴳⴰ
o-all = ⵎⴰⵕⵕⴰ
o-none = ⵡⴰⵍⵓ ⵖⵉⵍⴰ.
o-previous = ⴰⵎⵣⵡⴰⵔⵓ
o-next = ⴰⵎⴹⴼⴰⵕ
o-actions = ⵜⵉⴳⴰⵡⵉⵏ
o-reason = ⵜⴰⵎⵏⵜⵉⵍⵜ
o-status = ⴰⴷⴷⴰⴷ
o-change = ⵙⵏⴼⵍ
o-submit = ⵃⴹⵓ
o-number = ⵓⵟⵟⵓⵏ
o-name = ⵉⵙⵎ
o-kind = ⴰⵏⴰⵡ
o-category = ⵜⴰⴳⴳⴰⵢⵜ
o-members = ⵉⵎⵙⵎⵔⵙⵏ
o-active-members = ⵉⵎⵙⵎⵔⵙⵏ ⵉⵙⵡⵓⵔⵉⵏ
o-brands-active = ⵜⵉⵎⴰⵜⴰⵔⵉⵏ ⵉⵙⵡⵓⵔⵉⵏ
o-certificates-issued = ⵜⵉⵛⵀⴰⴷⵉⵏ ⵉⵜⵜⵓⴼⴽⴰⵏ
o-inclusion-title = ⴰⵙⴽⵛⵎ ⴳ ⵉⵎⵙⵎⵔⵙⵏ ⵉⵙⵡⵓⵔⵉⵏ, ⵙ ⵜⵙⴳⴰ
o-women-led = ⵜⴰⵏⵎⵀⴰⵍⵜ ⵏ ⵜⵎⵖⴰⵔⵉⵏ
o-youth-led = ⵜⴰⵏⵎⵀⴰⵍⵜ ⵏ ⵉⵄⵔⵔⵉⵎⵏ
o-scans-chart = ⵜⵉⴽⴽⴰⵍ ⵏ ⵓⵙⵙⵉⴷⵜ ⵙ ⵡⴰⵙⵙ, 30 ⵏ ⵡⵓⵙⵙⴰⵏ ⵉⵣⵔⵉⵏ
o-recent-scans = ⵜⵉⴽⴽⴰⵍ ⵏ ⵓⵙⵙⵉⴷⵜ ⵜⵉⵏⴳⴳⵓⵔⴰ
o-suspected = ⵜⵉⴱⵟⴰⵇⵉⵏ ⵉⵣⵎⵔⵏ ⴰⴷ ⵜⵜⵓⵙⵏⵖⵍⵏⵜ
o-reports = ⵉⵏⵖⵎⵉⵙⵏ ⵏ ⵉⵎⵙⴰⵖⵏ
o-last-scan = ⴰⵙⵙⵉⴷⵜ ⴰⵏⴳⴳⴰⵔⵓ
o-label = ⵜⴰⴱⵟⴰⵇⵜ
o-scans = ⵜⵉⴽⴽⴰⵍ ⵏ ⵓⵙⵙⵉⴷⵜ
o-clients = ⵎⵉⴷⴷⵏ ⵉⵎⵣⴰⵔⴰⵢⵏ
o-place = ⴰⴷⵖⴰⵔ
o-comment = ⴰⵡⴰⵍ
o-when = ⵎⴰⵔⵎⵉ
o-verdict = ⵜⴰⵢⴰⴼⵓⵜ
o-brand-status-form = ⵙⵏⴼⵍ ⴰⴷⴷⴰⴷ ⵏ ⵜⵎⴰⵜⴰⵔⵜ
o-suspend = ⵃⴱⵙ
o-reinstate = ⵔⴰⵔ
o-withdraw = ⴽⴽⵙ
o-grant-title = ⴼⴽ ⴰⵣⵔⴼ ⵏ ⵓⵙⵎⵔⵙ
o-producer-id = ⴰⵎⴰⴳⵉⵜ ⵏ ⵓⵎⴼⴰⵔⵙ
o-valid-from = ⵉⵙⵡⵓⵔⵉ ⵙⴳ
o-valid-until = ⵉⵙⵡⵓⵔⵉ ⴰⵔ
o-member-change = ⵙⵏⴼⵍ ⴰⵣⵔⴼ ⴰⴷ ⵏ ⵓⵙⵎⵔⵙ
o-new-producer = ⴰⵎⴼⴰⵔⵙ ⴰⵎⴰⵢⵏⵓ
o-edit-producer = ⵙⵏⴼⵍ ⴰⵎⴼⴰⵔⵙ
o-ice = ICE (15 ⵏ ⵉⵎⴹⴰⵏⵏ)
o-register-number = ⵓⵟⵟⵓⵏ ⵏ ⵓⵙⵊⵊⵍ
o-province = ⵜⴰⵙⵎⵉⵔⵜ
o-women-led-field = ⵙ ⵜⵏⵎⵀⴰⵍⵜ ⵏ ⵜⵎⵖⴰⵔⵉⵏ
o-youth-led-field = ⵙ ⵜⵏⵎⵀⴰⵍⵜ ⵏ ⵉⵄⵔⵔⵉⵎⵏ
o-rights = ⵉⵣⵔⴼⴰⵏ ⵏ ⵓⵙⵎⵔⵙ
o-issue-title = ⴼⴽ ⵢⴰⵜ ⵜⵛⵀⴰⴷⵜ ⵉ ⵢⴰⵜ ⵜⵔⴱⴰⵄⵜ
o-brand-number = ⵓⵟⵟⵓⵏ ⵏ ⵜⵎⴰⵜⴰⵔⵜ
o-product = ⴰⴼⴰⵔⵉⵙ
o-lot = ⵜⴰⵏⴳⴰⵍⵜ ⵏ ⵜⵔⴱⴰⵄⵜ
o-quantity = ⵜⴰⵙⵎⴽⵜⴰ (ⵉⴼⴰⵔⵉⵙⵏ)
o-produced-on = ⵉⵜⵜⵓⴼⴰⵔⵙ ⴳ
o-expires-on = ⵜⴰⴳⴳⵓⵔⴰ ⵏ ⵓⵙⵙⵉⴷⵜ
o-issue-submit = ⴼⴽ ⵜⴰⵛⵀⴰⴷⵜ
o-certificate = ⵜⴰⵛⵀⴰⴷⵜ
o-preview = ⵎⴰⵎⴽ ⵔⴰⴷ ⵜⴳ ⵜⴱⵟⴰⵇⵜ
o-downloads = ⵉⴼⴰⵢⵍⵓⵜⵏ
o-layout = ⴰⵙⵓⴷⵙ ⵏ ⵜⵙⵏⵉⵡⵉⵏ
o-layout-3x8 = A4, 3 × 8 ⵏ ⵜⴱⵟⴰⵇⵉⵏ ⵏ 70 × 37 mm
o-layout-2x5 = A4, 2 × 5 ⵏ ⵜⴱⵟⴰⵇⵉⵏ ⵏ 105 × 57 mm
o-from = ⵙⴳ ⵓⵟⵟⵓⵏ
o-to = ⴰⵔ ⵓⵟⵟⵓⵏ
o-download-pdf = ⵜⵉⵙⵏⵉⵡⵉⵏ PDF
o-download-csv = CSV ⵉ ⵓⵟⴱⴰⵄ
o-download-png = ⵜⴰⴱⵟⴰⵇⵜ PNG
o-download-svg = ⵜⴰⴱⵟⴰⵇⵜ SVG
o-revoke-title = ⴽⴽⵙ ⵜⴰⵛⵀⴰⴷⵜ ⴰⴷ
o-revoke-submit = ⴽⴽⵙ
o-revoked-note = ⵜⴰⵛⵀⴰⴷⵜ ⴰⴷ ⵜⵜⵓⴽⴽⵙ: ⵜⵉⴱⵟⴰⵇⵉⵏ ⵏⵏⵙ ⵓⵔ ⵙⵓⵍ ⵜⵜⵓⵟⴱⴰⵄⵏⵜ.
o-actor = ⵎⴰⵏⵡⴰ
o-action = ⵎⴰⴷ
o-target = ⵅⴼ ⵎⴰⴷ
o-before = ⴷⴰⵜ
o-after = ⴷⴼⴼⵉⵔ
o-role = ⵜⴰⵖⵓⵍⵜ
o-create = ⵙⴽⵔ
o-created = ⵉⵜⵜⵓⵙⴽⴰⵔ
o-revoke-key = ⴽⴽⵙ
o-apikey-shown-once = ⵙⵙⵏⵖⵍ ⵜⴰⵙⴰⵔⵓⵜ ⴰⴷ ⵖⵉⵍⴰ: ⵓⵔ ⵜⵜⴱⴰⵢⴰⵏ ⵖⴰⵙ ⵢⴰⵜ ⵜⵉⴽⴽⴰⵍⵜ.
o-rotate = ⵙⵏⴼⵍ: ⵙⴽⵔ ⵢⴰⵜ ⵜⵙⴰⵔⵓⵜ ⵜⴰⵎⴰⵢⵏⵓⵜ ⵏ ⵓⵣⵎⵓⵍ
o-key-secret-here = ⵜⴰⵙⴰⵔⵓⵜ ⵜⵓⵙⵍⵉⴳⵜ ⴳ ⵓⵎⴰⴽⴽⴰⵢ ⴰⴷ
o-yes = ⵢⴰⵀ
o-no = ⵓⵀⵓ

## Short-code limit, account and access.
humancode-limited = ⴳⵓⵜⵏⵜ ⵜⵏⴳⴰⵍⵉⵏ ⵜⵉⴳⵣⵣⴰⵍⵉⵏ ⵍⵍⵉ ⵉⵜⵜⵓⵙⵙⵉⴷⵜⵏ ⵙⴳ ⵓⵥⵟⵟⴰ ⵏⵏⴽ. ⵔⵊⵓ ⵢⴰⵜ ⵜⵓⵙⴷⵉⴷⵜ, ⵜⵔⵎⴷ ⴷⴰⵖ, ⵏⵖ ⵖⵔ ⵜⴰⵏⴳⴰⵍⵜ ⴽⵢⵓⴰⵔ.
o-nav-account = ⴰⵎⵉⴹⴰⵏ ⵉⵏⵓ
o-account-title = ⴰⵎⵉⴹⴰⵏ ⵉⵏⵓ
o-password-current = ⴰⵡⴰⵍ ⵏ ⵓⵣⵔⴰⵢ ⵏ ⵖⵉⵍⴰ
o-password-new = ⴰⵡⴰⵍ ⵏ ⵓⵣⵔⴰⵢ ⴰⵎⴰⵢⵏⵓ (12 ⵏ ⵉⵙⴽⴽⵉⵍⵏ ⵓⴳⴳⴰⵔ)
o-password-again = ⴰⵡⴰⵍ ⵏ ⵓⵣⵔⴰⵢ ⴰⵎⴰⵢⵏⵓ ⴷⴰⵖ
o-password-submit = ⵙⵏⴼⵍ ⴰⵡⴰⵍ ⵏ ⵓⵣⵔⴰⵢ
o-password-changed = ⵉⵜⵜⵓⵙⵏⴼⵍ ⵓⵡⴰⵍ ⵏ ⵓⵣⵔⴰⵢ. ⵜⵉⵖⵉⵎⵉⵡⵉⵏ ⵏⵏⴽ ⵢⴰⴹⵏⵉⵏ ⵜⵜⵓⵇⵇⵏⵏⵜ.
o-password-short = ⴰⵡⴰⵍ ⵏ ⵓⵣⵔⴰⵢ ⴰⵎⴰⵢⵏⵓ ⵉⵇⵇⴰⵏ ⴰⴷ ⵉⵍ 12 ⵏ ⵉⵙⴽⴽⵉⵍⵏ ⵓⴳⴳⴰⵔ.
o-password-mismatch = ⵙⵉⵏ ⵡⴰⵡⴰⵍ ⵏ ⵓⵣⵔⴰⵢ ⵉⵎⴰⵢⵏⵓⵜⵏ ⵎⵣⴰⵔⴰⵢⵏ.
o-password-wrong = ⴰⵡⴰⵍ ⵏ ⵓⵣⵔⴰⵢ ⵏ ⵖⵉⵍⴰ ⵓⵔ ⵉⵖⵓⴷⵉ.
o-disable = ⵙⵅⵙⵉ
o-enable = ⵙⵙⵓⵔⵉ
o-account-disabled = ⵉⵜⵜⵓⵙⵅⵙⵉ
o-account-active = ⵉⵙⵡⵓⵔⵉ
o-disable-self = ⵓⵔ ⵜⵣⵎⵉⵔⴷ ⴰⴷ ⵜⵙⵅⵙⵉⴷ ⴰⵎⵉⴹⴰⵏ ⵏⵏⴽ.

## Issue #15: suspected copies, badges by kind, the home page.
verdict-suspected_copy-title = ⵜⴰⵏⵚⵍⵉⵜ, ⵎⴰⵛ ⵜⵣⵎⵔ ⴰⴷ ⵜⵜⵓⵙⵏⵖⵍ
verdict-suspected_copy-body = ⴰⵙⵙⵎⵔⴰⴳ ⵏ ⵜⴱⵟⴰⵇⵜ ⴰⴷ ⴷ ⴰⵏⵚⵍⵉ, ⵎⴰⵛ ⵜⴰⴱⵟⴰⵇⵜ ⴰⴷ ⵙⵙⵉⴷⵜⵏ ⵜⵜ ⵎⵏⵏⴰⵡ ⵏ ⵎⵉⴷⴷⵏ, ⵏⵖ ⵎⵏⵏⴰⵡ ⵏ ⵜⵉⴽⴽⴰⵍ ⴰⵙⵙ ⴰ, ⵓⴳⴳⴰⵔ ⵏ ⵜⴱⵟⴰⵇⵜ ⵍⵍⵉ ⵉⵍⵍⴰⵏ ⵅⴼ ⵢⴰⵏ ⵓⴼⴰⵔⵉⵙ. ⵜⵣⵎⵔ ⴰⴷ ⵜⵜⵓⵙⵏⵖⵍ ⵅⴼ ⵢⴰⵏ ⵓⴼⴰⵔⵉⵙ ⵢⴰⴹⵏ.
verdict-suspected_copy-action = ⵥⵕ ⵉⵙ ⵉⵍⵍⴰ ⵓⵙⴳⴳⵍ ⴷ ⵓⴼⵓⵙ ⵓⵔ ⵜⵜⵓⵔⵥⵥⴰⵏ, ⵙⵎⵣⴰⵣⴰⵍ ⵜⴰⵔⴱⴰⵄⵜ ⵍⵍⵉ ⵉⵜⵜⵓⵙⵉⵔⵎⵏ ⵅⴼ ⵓⴼⴰⵔⵉⵙ ⴷ ⵜⵉⵏ ⴷⴷⴰⵡ, ⵜⵎⵍⵜ ⵜⴰⴱⵟⴰⵇⵜ ⵎⴽ ⵓⵔ ⵎⵙⴰⵙⴰⵏⵜ.
badge-kind-cooperative = ⵜⴰⵄⴰⵡⵏⵉⵜ
badge-kind-association = ⵜⴰⵎⵓⵏⵜ
badge-kind-company = ⵜⴰⴽⵓⵎⴱⴰⵏⵉⵜ
badge-kind-artisan = ⴰⵎⵙⵏⴰⵡ
home-title = ⵙⵙⵉⴷⵜ ⵉⴼⴰⵔⵉⵙⵏ ⵏ ⵜⵎⴰⵜⴰⵔⵉⵏ ⵜⵉⵎⵓⵏⴰⵏⵉⵏ ⵏ ⵍⵎⵖⵔⵉⴱ
home-intro = ⴽⵓ ⴰⴼⴰⵔⵉⵙ ⵉⵜⵜⵓⵙⵙⵉⴷⵜⵏ ⵖⵓⵔⵙ ⵜⴰⴱⵟⴰⵇⵜ ⵙ ⵓⵏⵓⵎⵍ QR ⵉⵜⵜⵓⵙⵎⵔⴰⴳⵏ. ⵙⴽⴰⵏⵉ ⵜ ⵙ ⵜⴰⵎⵙⵡⵉⵔⵜ ⵏ ⵜⵉⵍⵉⴼⵓⵏ ⵏⵏⴽ, ⵏⵖ ⴰⵔⵓ ⴰⵏⵓⵎⵍ ⴰⵎⵥⵥⵢⴰⵏ ⵍⵍⵉ ⵉⵍⵍⴰⵏ ⴷⴷⴰⵡⵙ.
home-verify = ⴰⵔⵓ ⴰⵏⵓⵎⵍ ⴰⵎⵥⵥⵢⴰⵏ
home-registry = ⴰⵎⴹⵍⴰⵙ ⴰⵎⴰⵢⵏⵓ ⵏ ⵜⵎⴰⵜⴰⵔⵉⵏ (API)
home-officer = ⴰⵙⵉⵔⴰ ⵏ ⵉⵎⵙⵙⵓⴷⵙⵏ ⵏ ⵓⵙⵙⵉⴷⵜ
home-api = ⵜⵉⵔⵉⵔⵜ ⵏ API
