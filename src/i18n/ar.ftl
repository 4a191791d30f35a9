# tasdiq — Arabic messages (Modern Standard Arabic, as used in Morocco). One file per language: ar.ftl, fr.ftl, en.ftl, zgh.ftl.
# Keep the keys identical in every file; a test checks that they match.

lang-name = العربية
site-name = تصديق
site-tagline = منتجات معتمدة من العلامات الجماعية المغربية
page-title = هل هذا المنتج أصلي؟
switch-language = اللغة

## Verdicts: a title, what it means, and what to do.
verdict-authentic-title = أصلي
verdict-authentic-body = أصدرت هيئة الإشهاد هذا الملصق لهذا المنتج. العلامة ومُنتِجها في وضعية سليمة.
verdict-authentic-action = تأكد من أن المنتج والدفعة والمُنتِج، كما هي مذكورة أدناه، تطابق العبوة التي بين يديك.
verdict-expired-title = منتهي الصلاحية
verdict-expired-body = هذا الملصق أصلي، لكن مدة إشهاد المنتج انتهت في { $date }.
verdict-expired-action = لا تعتمد على هذا الملصق بالنسبة لمنتج يباع اليوم. اطلب من البائع دفعة سارية الصلاحية.
verdict-revoked-title = ملغى
verdict-revoked-body = كان هذا الملصق أصليا، لكن شهادته أُلغيت.
verdict-revoked-action = لا تشترِ هذا المنتج على أنه معتمد. إذا كنت قد اشتريته، فاحتفظ بوصل الشراء وأبلغ عنه أدناه.
verdict-suspended-title = موقوف
verdict-suspended-body = هذا الملصق أصلي، لكن حق استعمال العلامة موقوف حاليا.
verdict-suspended-action = لا يعتبر المنتج معتمدا ما دام التوقيف ساريا. استفسر البائع، أو أبلغ عنه أدناه.
verdict-counterfeit-title = غير أصلي
verdict-counterfeit-body = لم تصدر هيئة الإشهاد هذا الملصق. من المرجح أنه مزور.
verdict-counterfeit-action = لا تثق في العلامة الموجودة على هذه العبوة. يرجى الإبلاغ عن المكان الذي وجدته فيه.
verdict-malformed-title = رمز غير مقروء
verdict-malformed-body = هذا ليس رمز ملصق كاملا. ربما انقطع الرابط، أو كُتب الرمز بشكل خاطئ.
verdict-malformed-action = امسح رمز كيو آر مرة أخرى، أو اكتب الرمز القصير المطبوع تحته.

## Why (the verdict's reason).
reason-valid = تم التحقق من التوقيع، والشهادة سارية المفعول.
reason-expired = انتهت مدة الإشهاد.
reason-certificate_revoked = ألغى مسؤول الإشهاد الشهادة.
reason-key_compromised = سُرق المفتاح الذي وقّع هذا الملصق؛ والملصقات الموقعة بعد السرقة باطلة.
reason-brand_withdrawn = سُحبت العلامة.
reason-member_withdrawn = سُحب من المُنتِج حق استعمال العلامة.
reason-member_suspended = حق المُنتِج في استعمال العلامة موقوف.
reason-brand_suspended = العلامة موقوفة.
reason-bad_signature = التوقيع غير مطابق: الرمز تم تغييره أو اختلاقه.
reason-unknown_key = الرمز موقع بمفتاح لم نستعمله قط.
reason-unknown_certificate = لم تصدر قط أي شهادة بهذا الرقم.
reason-item_out_of_range = رقم هذه الوحدة خارج الدفعة المعتمدة.
reason-key_mismatch = الرمز لا يطابق شهادته.
reason-brand_mismatch = الرمز لا يطابق شهادته.
reason-expiry_mismatch = الرمز لا يطابق شهادته.
reason-bad_length = طول الرمز غير صحيح.
reason-non_digit = يحتوي الرمز على أحرف ليست أرقاما.
reason-group_overflow = يحتوي الرمز على أعداد غير ممكنة.
reason-unknown_version = نوع الرمز غير معروف.

## Details of the certified product.
details-title = حول هذا المنتج
field-brand = العلامة
field-producer = المُنتِج
field-region = الجهة
field-province = الإقليم
field-product = المنتج
field-lot = الدفعة
field-item = الوحدة
item-of = { $item } من أصل { $total }
field-produced-on = تاريخ الإنتاج
field-expires-on = صالح إلى غاية
field-certificate = الشهادة
field-first-scanned = أول تحقق
field-scans = عمليات التحقق
scans-count = { $count ->
    [zero] لم يتم التحقق منه أي مرة
    [one] تم التحقق منه مرة واحدة
    [two] تم التحقق منه مرتين
    [few] تم التحقق منه { $count } مرات
    [many] تم التحقق منه { $count } مرة
   *[other] تم التحقق منه { $count } مرة
}
first-scan-now = هذه أول مرة يتم فيها التحقق من هذا الملصق.
badge-women-led = تعاونية تسيّرها نساء
badge-youth-led = تعاونية يسيّرها شباب

## Scan intelligence.
warning-suspected-copy-title = ربما تم نسخ هذا الملصق
warning-suspected-copy-body = تم التحقق من هذا الملصق نفسه من طرف أشخاص كثيرين مختلفين أو مرات عديدة اليوم. الملصق الأصلي يوجد على منتج واحد فقط.

## The short code printed under the QR code.
humancode-title = التحقق من رمز قصير
humancode-help = اكتب الرمز القصير المطبوع تحت رمز كيو آر، مثلا K7M2Q-9XD4T-0ABCD-EF123-45678.
humancode-field = الرمز القصير
humancode-submit = تحقق
humancode-note = لقد كتبت الرمز القصير. مسح رمز كيو آر يتيح تحققا أقوى: فهو يثبت أيضا صحة توقيع الملصق.
humancode-typo = هذا الرمز القصير لا يطابق أي ملصق. راجع كل حرف (يُعدّ O مثل 0، و I و L مثل 1)؛ وإذا ظل غير مطابق فقد لا يكون الملصق أصليا: امسح رمز كيو آر إن أمكنك.
humancode-length = يتكون الرمز القصير من 25 حرفا ورقما (دون احتساب الشرطات). يرجى مراجعته.
humancode-char = لا يمكن أن يرد الحرف «{ $char }» في رمز قصير.
humancode-unknown = لا يوجد أي ملصق بهذا الرمز القصير. تحقق من الرمز، أو امسح رمز كيو آر.

## Reporting a suspicious product.
report-title = الإبلاغ عن هذا المنتج
report-intro = أخبر مسؤولي الإشهاد بالمكان الذي وجدته فيه. لا تذكر أي معلومات شخصية.
report-where = أين اشتريته؟
report-where-hint = متجر أو سوق أو مدينة
report-comment = ماذا لاحظت؟
report-submit = إرسال البلاغ
report-thanks = شكرا لك. تم إرسال بلاغك إلى مسؤولي الإشهاد.
report-rate-limited = لقد أرسلت عدة بلاغات من قبل. يرجى المحاولة مرة أخرى لاحقا.
report-invalid = يرجى ذكر المكان الذي اشتريت منه المنتج (200 حرف على الأكثر)، وألا يتجاوز التعليق 1000 حرف.
report-expired = انتهت صلاحية الاستمارة. يرجى إرسالها مرة أخرى.

## Page furniture and errors.
footer-offline = يمكن لأي شخص التحقق من ملصق دون الحاجة إلى الثقة في هذا الموقع، باستعمال المفاتيح المنشورة.
footer-what = «تصديق» خدمة للإشهاد على منتجات العلامات الجماعية المغربية: زيت أركان، والزعفران، والتمور، والزرابي، والفخار، والزليج، والفضة، وغيرها.
error-not-found-title = الصفحة غير موجودة
error-not-found-body = لا يوجد شيء في هذا العنوان.
error-bad-request-title = تعذرت قراءة هذا الطلب
error-unavailable-title = الخدمة غير متاحة
error-unavailable-body = الخدمة مشغولة أو في طور الصيانة. يرجى المحاولة مرة أخرى بعد لحظات.
error-too-large-title = الإرسال كبير جدًا
error-too-large-body = ما أرسلته أكبر من الحجم الذي تقبله هذه الخدمة. اختصره وأعد إرساله.
back-home = التحقق من ملصق آخر

## The 12 regions.
region-tanger-tetouan-al-hoceima = طنجة-تطوان-الحسيمة
region-oriental = الشرق
region-fes-meknes = فاس-مكناس
region-rabat-sale-kenitra = الرباط-سلا-القنيطرة
region-beni-mellal-khenifra = بني ملال-خنيفرة
region-casablanca-settat = الدار البيضاء-سطات
region-marrakech-safi = مراكش-آسفي
region-draa-tafilalet = درعة-تافيلالت
region-souss-massa = سوس-ماسة
region-guelmim-oued-noun = كلميم-واد نون
region-laayoune-sakia-el-hamra = العيون-الساقية الحمراء
region-dakhla-oued-ed-dahab = الداخلة-وادي الذهب

## واجهة مسؤولي الإشهاد.
o-title = مكتب الإشهاد
o-nav-dashboard = لوحة القيادة
o-nav-brands = العلامات
o-nav-producers = المنتِجون
o-nav-certificates = الشهادات
o-nav-issue = إصدار شهادة
o-nav-audit = سجل التدقيق
o-nav-officers = المسؤولون
o-nav-apikeys = مفاتيح الواجهة البرمجية
o-nav-keys = مفاتيح التوقيع
o-signout = تسجيل الخروج
o-signed-in-as = متصل باسم
o-login-title = دخول المسؤولين
o-email = البريد الإلكتروني
o-password = كلمة المرور
o-login-submit = دخول
o-login-failed = البريد الإلكتروني أو كلمة المرور غير صحيحة.
o-login-limited = محاولات دخول فاشلة كثيرة. انتظر بضع دقائق ثم أعد المحاولة.
o-csrf-failed = انتهت صلاحية هذه الاستمارة أو أنها لم تصدر عن هذا الموقع. يرجى إعادة المحاولة.
o-forbidden = دورك لا يسمح بهذا الإجراء.
o-saved = تم الحفظ.
o-search = بحث
o-filter-region = الجهة
o-all = الكل
o-none = لا شيء بعد.
o-previous = السابق
o-next = التالي
o-actions = إجراءات
o-reason = السبب
o-status = الحالة
o-change = تعديل
o-submit = حفظ
o-number = الرقم
o-name = الاسم
o-kind = النوع
o-category = الفئة
o-members = الأعضاء
o-active-members = الأعضاء النشطون
o-brands-active = العلامات النشطة
o-certificates-issued = الشهادات الصادرة
o-inclusion-title = الإدماج بين الأعضاء النشطين حسب الجهة
o-women-led = تسيّرها نساء
o-youth-led = يسيّرها شباب
o-scans-chart = عمليات التحقق يوميًا، آخر 30 يومًا
o-recent-scans = عمليات التحقق الأخيرة
o-suspected = نسخ مشتبه بها
o-reports = بلاغات المستهلكين
o-last-scan = آخر تحقق
o-label = الملصق
o-scans = عمليات التحقق
o-clients = زبناء مختلفون
o-place = المكان
o-comment = تعليق
o-when = متى
o-verdict = النتيجة
o-brand-status-form = تغيير حالة العلامة
o-suspend = تعليق
o-reinstate = إعادة التفعيل
o-withdraw = سحب
o-grant-title = منح حق الاستعمال
o-producer-id = معرّف المنتِج
o-valid-from = صالح من
o-valid-until = صالح إلى
o-member-change = تعديل حق الاستعمال هذا
o-new-producer = منتِج جديد
o-edit-producer = تعديل المنتِج
o-ice = المعرف الموحد للمقاولة (15 رقمًا)
o-register-number = رقم التسجيل
o-province = الإقليم
o-women-led-field = تسيّره نساء
o-youth-led-field = يسيّره شباب
o-rights = حقوق الاستعمال
o-issue-title = إصدار شهادة لدفعة
o-brand-number = رقم العلامة
o-product = المنتج
o-lot = رمز الدفعة
o-quantity = الكمية (وحدات)
o-produced-on = تاريخ الإنتاج
o-expires-on = تاريخ الانتهاء
o-issue-submit = إصدار الشهادة
o-certificate = الشهادة
o-preview = معاينة الملصق
o-downloads = التنزيلات
o-layout = تنسيق الأوراق
o-layout-3x8 = ورقة A4، ‏3 × 8 ملصقات بقياس 70 × 37 مم
o-layout-2x5 = ورقة A4، ‏2 × 5 ملصقات بقياس 105 × 57 مم
o-from = من الوحدة
o-to = إلى الوحدة
o-download-pdf = أوراق PDF
o-download-csv = ملف CSV للمطبعة
o-download-png = ملصق PNG
o-download-svg = ملصق SVG
o-revoke-title = إلغاء هذه الشهادة
o-revoke-submit = إلغاء
o-revoked-note = هذه الشهادة ملغاة: لم تعد ملصقاتها تُطبع.
o-actor = من
o-action = ماذا
o-target = على ماذا
o-before = قبل
o-after = بعد
o-role = الدور
o-create = إنشاء
o-created = تاريخ الإنشاء
o-revoke-key = إلغاء
o-apikey-shown-once = انسخ هذا المفتاح الآن: لن يُعرض إلا مرة واحدة.
o-rotate = تجديد: إنشاء مفتاح توقيع جديد
o-key-secret-here = المفتاح الخاص على هذه العقدة
o-yes = نعم
o-no = لا

## Short-code limit, account and access.
humancode-limited = تم التحقق من رموز قصيرة كثيرة من شبكتك. يرجى الانتظار دقيقة ثم إعادة المحاولة، أو مسح رمز كيو آر.
o-nav-account = حسابي
o-account-title = حسابي
o-password-current = كلمة المرور الحالية
o-password-new = كلمة المرور الجديدة (12 حرفا على الأقل)
o-password-again = كلمة المرور الجديدة مرة أخرى
o-password-submit = تغيير كلمة المرور
o-password-changed = تم تغيير كلمة المرور. أُنهيت جلساتك الأخرى.
o-password-short = يجب أن تتكون كلمة المرور الجديدة من 12 حرفا على الأقل.
o-password-mismatch = كلمتا المرور الجديدتان مختلفتان.
o-password-wrong = كلمة المرور الحالية غير صحيحة.
o-disable = تعطيل
o-enable = تفعيل
o-account-disabled = معطل
o-account-active = نشط
o-disable-self = لا يمكنك تعطيل حسابك الخاص.

## Issue 14: officer messages for refusals by field and rule, and the registry's words.
o-invalid = قيمة ناقصة أو غير صالحة.
o-invalid-valid_from = تاريخ بصيغة YYYY-MM-DD.
o-invalid-valid_until = تاريخ بعد تاريخ البداية.
o-invalid-reason = اذكر السبب (500 حرف على الأكثر).
o-invalid-producer = معرّف منتج: عدد موجب.
o-invalid-brand = رقم علامة بين 1 و65535.
o-invalid-quantity = عدد قطع بين 1 و1000000.
o-invalid-produced_on = تاريخ إنتاج بصيغة YYYY-MM-DD، ليس في المستقبل.
o-invalid-expires_on = تاريخ انتهاء بعد تاريخ الإنتاج.
o-invalid-ice = 15 رقمًا بالضبط.
o-invalid-email = عنوان بريد إلكتروني صالح.
o-invalid-password = كلمة مرور من 12 حرفًا على الأقل.
o-invalid-status = اختر حالة.
o-invalid-role = اختر دورًا من القائمة.
o-conflict = هذا التعديل غير مسموح به في الحالة الحالية للسجل.
o-conflict-already_member = هذا المنتج يملك بالفعل حق استعمال هذه العلامة: عدّله في القائمة.
o-conflict-bad_transition = تغيير الحالة هذا غير ممكن: السحب نهائي.
o-conflict-no_change = لا شيء للتغيير: الحالة هي نفسها.
o-conflict-unknown_producer = لا يوجد منتج بهذا المعرّف.
o-conflict-unknown_brand = لا توجد علامة بهذا الرقم.
o-conflict-already_revoked = هذه الشهادة ملغاة بالفعل.
o-conflict-ice_taken = منتج آخر مسجل بالفعل بهذا الرقم ICE.
o-conflict-email_taken = يوجد حساب بالفعل بهذا البريد.
o-conflict-last_admin = هذا آخر مسؤول نشط: فعّل أو أنشئ مسؤولًا آخر أولًا.
o-conflict-disable_self = لا يمكنك تعطيل حسابك الخاص.
o-conflict-brand_exists = رقم أو رمز العلامة هذا مستعمل بالفعل.
o-conflict-bad_role = هذا الدور غير ممكن هنا.
o-conflict-brand_not_active = العلامة غير نشطة: لا يمكن إصدار أي شهادة.
o-conflict-not_a_member = هذا المنتج لا يملك حق استعمال هذه العلامة.
o-conflict-membership_not_active = حق استعمال هذا المنتج موقوف أو مسحوب.
o-conflict-membership_not_valid = حق استعمال هذا المنتج غير ساري اليوم.
o-kind-collective_mark = علامة جماعية
o-kind-certification_mark = علامة تصديق
o-kind-igp = بيان جغرافي محمي
o-kind-aop = تسمية منشأ محمية
o-kind-label_agricole = علامة فلاحية
o-category-food = غذائي
o-category-cosmetics = تجميلي
o-category-textiles = نسيج
o-category-ceramics = خزف
o-category-metal = معادن
o-category-leather = جلد
o-category-wood = خشب
o-category-other = أخرى
o-standing-active = نشط
o-standing-suspended = موقوف
o-standing-withdrawn = مسحوب
o-cert-issued = صادرة
o-cert-revoked = ملغاة
o-key-active = نشط
o-key-retired = متقاعد
o-key-compromised = مخترق
o-producer-cooperative = تعاونية
o-producer-association = جمعية
o-producer-company = شركة
o-producer-artisan = صانع تقليدي
o-role-admin = مسؤول
o-role-officer = موظف
o-role-retailer = بائع
## Issue #15: suspected copies, badges by kind, the home page.
verdict-suspected_copy-title = أصلي، لكن ربما تم نسخه
verdict-suspected_copy-body = توقيع هذا الملصق أصلي، لكن هذا الملصق نفسه تم التحقق منه من طرف عدد من الأشخاص، أو عدد من المرات اليوم، أكبر بكثير مما يحدث لملصق موضوع على منتج واحد. ربما تم تصويره ولصقه على منتج آخر.
verdict-suspected_copy-action = تأكد من أن الختم والعبوة سليمان، وقارن الدفعة المطبوعة على المنتج بالدفعة المذكورة أدناه، وأبلغ عن الملصق إذا لم يتطابق شيء.
badge-kind-cooperative = تعاونية
badge-kind-association = جمعية
badge-kind-company = شركة
badge-kind-artisan = صانع تقليدي
home-title = تحقق من منتجات العلامات الجماعية بالمغرب
home-intro = كل منتج مُشهد يحمل ملصقا برمز QR موقّع. امسحه بكاميرا هاتفك، أو اكتب الرمز القصير المطبوع تحته.
home-verify = اكتب رمزا قصيرا
home-registry = السجل العمومي للعلامات (واجهة برمجية)
home-officer = فضاء أعوان الإشهاد
home-api = توثيق الواجهة البرمجية

## رموز المطالبة لمرة واحدة وكاشف النسخ (التذكرة 17)
verdict-copy_risk-title = ملصق أصلي، لكنه منسوخ على الأرجح
verdict-copy_risk-body = توقيع هذا الملصق أصلي، لكن ما نعرفه عن هذه الوحدة لا يتوافق مع منتج واحد: استلمه متجران دون شحن بينهما، أو بيع مرتين، أو طولب به مرتين، أو تحققت منه أسر كثيرة بعد بيعه. على الأرجح تم نسخ الملصق على منتجات أخرى.
verdict-copy_risk-action = لا تعتمد على هذا الملصق وحده. اشترِ إن أمكن من المتجر الذي باعه أولاً، وتحقق من الختم والدفعة، وأبلغ أدناه عن المكان الذي وجدت فيه هذا المنتج.
claim-title = اشتريته: أدخل الرمز الموجود في الداخل
claim-intro = تحمل منتجات هذه الدفعة رمزاً ثانياً مخفياً داخل العبوة (تحت الغطاء، أو داخل العلبة، أو تحت طبقة قابلة للخدش). أدخله مرة واحدة بعد الشراء: فهو يسجل هذه الوحدة كمبيعة، حتى يمكن التعرف على نسخ ملصقها.
claim-code = الرمز الموجود داخل العبوة
claim-submit = المطالبة بهذه الوحدة
claim-done = تم: سُجلت هذه الوحدة على أنك اشتريتها.
claim-claimed-on = طالب مشتري هذه الوحدة بها بتاريخ { $date }.
claim-yours = لقد طالبت بهذه الوحدة بتاريخ { $date }.
claim-not-genuine = هذا الملصق غير أصلي، فلا شيء للمطالبة به.
claim-none = صدرت هذه الدفعة دون رموز داخل العبوة.
claim-mistyped = هذا الرمز غير متسق: ربما أُدخل حرف بشكل خاطئ. تحقق منه وحاول مرة أخرى.
claim-wrong = هذا ليس رمز هذه الوحدة. المحاولات المتبقية اليوم: { $left }.
claim-taken = سبقت المطالبة بهذه الوحدة بتاريخ { $date }. تُرفض المطالبة الثانية ويُبلَّغ المراقبون عن الملصق: إذا كنت قد اشتريتها للتو، فربما تم نسخ الملصق.
claim-locked = أُدخلت رموز خاطئة كثيرة لهذا الملصق. المطالبة بهذه الوحدة مقفلة لمدة يوم.
claim-limited = مطالبات كثيرة من شبكتك. يرجى المحاولة لاحقاً.
o-claims = رموز مطالبة لمرة واحدة (ملصق داخلي لكل وحدة)
custody-sold = باعه { $name } في { $city } بتاريخ { $date }.
custody-received = استلمه { $name } في { $city } بتاريخ { $date }.
