# tasdiq — English messages. One file per language: ar.ftl, fr.ftl, en.ftl, zgh.ftl.
# Keep the keys identical in every file; a test checks that they match.

lang-name = English
site-name = tasdiq
site-tagline = Certified products of Morocco's collective brands
page-title = Is this product authentic?
switch-language = Language

## Verdicts: a title, what it means, and what to do.
verdict-authentic-title = Authentic
verdict-authentic-body = This label was issued by the certification body for this product. The brand and its producer are in good standing.
verdict-authentic-action = Check that the product, lot and producer below match the package in your hands.
verdict-expired-title = Expired
verdict-expired-body = This label is genuine, but the product's certification ended on { $date }.
verdict-expired-action = Do not rely on this label for a product sold today. Ask the seller for a current lot.
verdict-revoked-title = Revoked
verdict-revoked-body = This label was genuine, but its certificate has been revoked.
verdict-revoked-action = Do not buy this product as certified. If you already bought it, keep the receipt and report it below.
verdict-suspended-title = Suspended
verdict-suspended-body = This label is genuine, but the right to use the brand is suspended for now.
verdict-suspended-action = The product is not certified while the suspension lasts. Ask the seller, or report it below.
verdict-counterfeit-title = Not authentic
verdict-counterfeit-body = This label was not issued by the certification body. It is probably a fake.
verdict-counterfeit-action = Do not trust the brand on this package. Please report where you found it.
verdict-malformed-title = Unreadable code
verdict-malformed-body = This is not a complete label code. The link may have been cut, or the code mistyped.
verdict-malformed-action = Scan the QR code again, or type the short code printed under it.

## Why (the verdict's reason).
reason-valid = Signature checked, certificate valid.
reason-expired = The certification period is over.
reason-certificate_revoked = The certificate was revoked by the certification officer.
reason-key_compromised = The key that signed this label was stolen; labels signed after the theft are void.
reason-brand_withdrawn = The brand has been withdrawn.
reason-member_withdrawn = The producer's right to use the brand has been withdrawn.
reason-member_suspended = The producer's right to use the brand is suspended.
reason-brand_suspended = The brand is suspended.
reason-bad_signature = The signature does not match: the code was altered or invented.
reason-unknown_key = The code is signed with a key we never used.
reason-unknown_certificate = No certificate with this number was ever issued.
reason-item_out_of_range = This item number is outside the certified lot.
reason-key_mismatch = The code does not match its certificate.
reason-brand_mismatch = The code does not match its certificate.
reason-expiry_mismatch = The code does not match its certificate.
reason-bad_length = The code has the wrong length.
reason-non_digit = The code contains characters that are not digits.
reason-group_overflow = The code contains impossible numbers.
reason-unknown_version = The code is of an unknown kind.

## Details of the certified product.
details-title = About this product
field-brand = Brand
field-producer = Producer
field-region = Region
field-province = Province
field-product = Product
field-lot = Lot
field-item = Item
item-of = { $item } of { $total }
field-produced-on = Produced on
field-expires-on = Valid until
field-certificate = Certificate
field-first-scanned = First checked
field-scans = Checks
scans-count = { $count ->
    [one] checked once
   *[other] checked { $count } times
}
first-scan-now = This is the first time this label is checked.
badge-women-led = Women-led cooperative
badge-youth-led = Youth-led cooperative

## Scan intelligence.
warning-suspected-copy-title = This label may have been copied
warning-suspected-copy-body = This same label has been checked by many different people or many times today. A genuine label is on one product only.

## The short code printed under the QR code.
humancode-title = Check a short code
humancode-help = Type the short code printed under the QR code, for example K7M2Q-9XD4T-0ABCD-EF123-45678.
humancode-field = Short code
humancode-submit = Check
humancode-note = You typed the short code. Scanning the QR code gives a stronger check: it also proves the label's signature.
humancode-typo = This short code does not match any label. Check each character (O counts as 0, I and L as 1); if it still does not match, the label may not be genuine: scan the QR code if you can.
humancode-length = A short code has 25 letters and digits (dashes aside). Please check it.
humancode-char = The character “{ $char }” cannot appear in a short code.
humancode-unknown = No label with this short code exists. Check the code, or scan the QR code.

## Reporting a suspicious product.
report-title = Report this product
report-intro = Tell the certification officers where you found it. Do not include personal details.
report-where = Where did you buy it?
report-where-hint = Shop, market or town
report-comment = What did you notice?
report-submit = Send the report
report-thanks = Thank you. Your report was sent to the certification officers.
report-rate-limited = You have sent several reports already. Please try again later.
report-invalid = Please say where you bought the product (up to 200 characters) and keep the comment under 1000 characters.
report-expired = The form expired. Please send it again.

## Page furniture and errors.
footer-offline = Anyone can check a label without trusting this site, with the published keys.
footer-what = tasdiq certifies products of Morocco's collective brands: argan oil, saffron, dates, carpets, pottery, zellige, silver and more.
error-not-found-title = Page not found
error-not-found-body = There is nothing at this address.
error-bad-request-title = This request cannot be read
error-unavailable-title = Service unavailable
error-unavailable-body = The service is busy or under maintenance. Please try again in a moment.
error-too-large-title = This is too large to send
error-too-large-body = What you sent is larger than this service accepts. Shorten it and send it again.
back-home = Check another label

## The 12 regions.
region-tanger-tetouan-al-hoceima = Tangier-Tetouan-Al Hoceima
region-oriental = Oriental
region-fes-meknes = Fez-Meknes
region-rabat-sale-kenitra = Rabat-Sale-Kenitra
region-beni-mellal-khenifra = Beni Mellal-Khenifra
region-casablanca-settat = Casablanca-Settat
region-marrakech-safi = Marrakesh-Safi
region-draa-tafilalet = Draa-Tafilalet
region-souss-massa = Souss-Massa
region-guelmim-oued-noun = Guelmim-Oued Noun
region-laayoune-sakia-el-hamra = Laayoune-Sakia El Hamra
region-dakhla-oued-ed-dahab = Dakhla-Oued Ed-Dahab

## Officer interface.
o-title = Certification office
o-nav-dashboard = Dashboard
o-nav-brands = Brands
o-nav-producers = Producers
o-nav-certificates = Certificates
o-nav-issue = Issue a certificate
o-nav-audit = Audit log
o-nav-officers = Officers
o-nav-apikeys = API keys
o-nav-keys = Signing keys
o-signout = Sign out
o-signed-in-as = Signed in as
o-login-title = Officer sign-in
o-email = E-mail
o-password = Password
o-login-submit = Sign in
o-login-failed = Wrong e-mail or password.
o-login-limited = Too many failed sign-ins. Wait a few minutes and try again.
o-csrf-failed = This form expired or did not come from this site. Please try again.
o-forbidden = Your role does not allow this.
o-saved = Saved.
o-search = Search
o-filter-region = Region
o-all = All
o-none = Nothing yet.
o-previous = Previous
o-next = Next
o-actions = Actions
o-reason = Reason
o-status = Status
o-change = Change
o-submit = Save
o-number = Number
o-name = Name
o-kind = Kind
o-category = Category
o-members = Members
o-active-members = Active members
o-brands-active = Active brands
o-certificates-issued = Certificates issued
o-inclusion-title = Inclusion among active members, by region
o-women-led = Women-led
o-youth-led = Youth-led
o-scans-chart = Scans per day, last 30 days
o-recent-scans = Recent scans
o-suspected = Suspected copies
o-reports = Consumer reports
o-last-scan = Last scan
o-label = Label
o-scans = Scans
o-clients = Distinct clients
o-place = Place
o-comment = Comment
o-when = When
o-verdict = Verdict
o-brand-status-form = Change the brand's status
o-suspend = Suspend
o-reinstate = Reinstate
o-withdraw = Withdraw
o-grant-title = Grant a right of use
o-producer-id = Producer id
o-valid-from = Valid from
o-valid-until = Valid until
o-member-change = Change this right of use
o-new-producer = New producer
o-edit-producer = Edit producer
o-ice = ICE (15 digits)
o-register-number = Register number
o-province = Province
o-women-led-field = Led by women
o-youth-led-field = Led by young people
o-rights = Rights of use
o-issue-title = Issue a certificate for a lot
o-brand-number = Brand number
o-product = Product
o-lot = Lot code
o-quantity = Quantity (items)
o-produced-on = Produced on
o-expires-on = Expires on
o-issue-submit = Issue the certificate
o-certificate = Certificate
o-preview = Label preview
o-downloads = Downloads
o-layout = Sheet layout
o-layout-3x8 = A4, 3 × 8 labels of 70 × 37 mm
o-layout-2x5 = A4, 2 × 5 labels of 105 × 57 mm
o-from = From item
o-to = To item
o-download-pdf = PDF sheets
o-download-csv = CSV for print shops
o-download-png = PNG label
o-download-svg = SVG label
o-revoke-title = Revoke this certificate
o-revoke-submit = Revoke
o-revoked-note = This certificate is revoked: its labels are not printed any more.
o-actor = Who
o-action = What
o-target = On what
o-before = Before
o-after = After
o-role = Role
o-create = Create
o-created = Created
o-revoke-key = Revoke
o-apikey-shown-once = Copy this key now: it is shown only once.
o-rotate = Rotate: make a new signing key
o-key-secret-here = Private key on this node
o-yes = yes
o-no = no

## Short-code limit, account and access.
humancode-limited = Too many short codes were checked from your network. Please wait a minute and try again, or scan the QR code.
o-nav-account = My account
o-account-title = My account
o-password-current = Current password
o-password-new = New password (at least 12 characters)
o-password-again = New password again
o-password-submit = Change the password
o-password-changed = Password changed. Your other sessions have ended.
o-password-short = The new password must have at least 12 characters.
o-password-mismatch = The two new passwords differ.
o-password-wrong = The current password is wrong.
o-disable = Disable
o-enable = Enable
o-account-disabled = disabled
o-account-active = active
o-disable-self = You cannot disable your own account.

## Issue #15: suspected copies, badges by kind, the home page.
verdict-suspected_copy-title = Genuine, but possibly copied
verdict-suspected_copy-body = This label's signature is genuine, but this same label has been checked by far more people, or far more times today, than a label on a single product would be. It may have been photocopied onto another product.
verdict-suspected_copy-action = Check that the seal and the package are intact, compare the lot printed on the product with the lot below, and report the label if anything does not match.
badge-kind-cooperative = Cooperative
badge-kind-association = Association
badge-kind-company = Company
badge-kind-artisan = Artisan
home-title = Verify products of Morocco's collective brands
home-intro = Every certified product carries a label with a signed QR code. Scan it with your phone's camera, or type the short code printed below it.
home-verify = Type a short code
home-registry = The public registry of brands (API)
home-officer = Certification officers
home-api = API documentation
