# tasdiq — messages en français. Un fichier par langue : ar.ftl, fr.ftl, en.ftl, zgh.ftl.
# Les clés sont les mêmes dans chaque fichier ; un test le vérifie.

lang-name = Français
site-name = tasdiq
site-tagline = Produits certifiés des marques collectives du Maroc
page-title = Ce produit est-il authentique ?
switch-language = Langue

## Verdicts : un titre, ce que cela veut dire, et que faire.
verdict-authentic-title = Authentique
verdict-authentic-body = Cette étiquette a été délivrée par l'organisme de certification pour ce produit. La marque et son producteur sont en règle.
verdict-authentic-action = Vérifiez que le produit, le lot et le producteur ci-dessous correspondent à l'emballage que vous avez en main.
verdict-expired-title = Expiré
verdict-expired-body = Cette étiquette est authentique, mais la certification du produit a pris fin le { $date }.
verdict-expired-action = Ne vous fiez pas à cette étiquette pour un produit vendu aujourd'hui. Demandez au vendeur un lot en cours de validité.
verdict-revoked-title = Révoqué
verdict-revoked-body = Cette étiquette était authentique, mais son certificat a été révoqué.
verdict-revoked-action = N'achetez pas ce produit comme certifié. Si vous l'avez déjà acheté, gardez le ticket et signalez-le ci-dessous.
verdict-suspended-title = Suspendu
verdict-suspended-body = Cette étiquette est authentique, mais le droit d'usage de la marque est suspendu pour le moment.
verdict-suspended-action = Le produit n'est pas certifié pendant la suspension. Renseignez-vous auprès du vendeur, ou signalez-le ci-dessous.
verdict-counterfeit-title = Non authentique
verdict-counterfeit-body = Cette étiquette n'a pas été délivrée par l'organisme de certification. C'est probablement une contrefaçon.
verdict-counterfeit-action = Ne vous fiez pas à la marque sur cet emballage. Merci de signaler où vous l'avez trouvé.
verdict-malformed-title = Code illisible
verdict-malformed-body = Ce n'est pas un code d'étiquette complet. Le lien a peut-être été coupé, ou le code mal saisi.
verdict-malformed-action = Scannez à nouveau le code QR, ou saisissez le code court imprimé dessous.

## Pourquoi (la raison du verdict).
reason-valid = Signature vérifiée, certificat valide.
reason-expired = La période de certification est terminée.
reason-certificate_revoked = Le certificat a été révoqué par l'agent de certification.
reason-key_compromised = La clé qui a signé cette étiquette a été volée ; les étiquettes signées après le vol sont nulles.
reason-brand_withdrawn = La marque a été retirée.
reason-member_withdrawn = Le droit d'usage de la marque a été retiré au producteur.
reason-member_suspended = Le droit d'usage de la marque du producteur est suspendu.
reason-brand_suspended = La marque est suspendue.
reason-bad_signature = La signature ne correspond pas : le code a été modifié ou inventé.
reason-unknown_key = Le code est signé avec une clé que nous n'avons jamais utilisée.
reason-unknown_certificate = Aucun certificat portant ce numéro n'a jamais été délivré.
reason-item_out_of_range = Ce numéro d'article est hors du lot certifié.
reason-key_mismatch = Le code ne correspond pas à son certificat.
reason-brand_mismatch = Le code ne correspond pas à son certificat.
reason-expiry_mismatch = Le code ne correspond pas à son certificat.
reason-bad_length = Le code n'a pas la bonne longueur.
reason-non_digit = Le code contient des caractères qui ne sont pas des chiffres.
reason-group_overflow = Le code contient des nombres impossibles.
reason-unknown_version = Le code est d'un type inconnu.

## Détails du produit certifié.
details-title = À propos de ce produit
field-brand = Marque
field-producer = Producteur
field-region = Région
field-province = Province
field-product = Produit
field-lot = Lot
field-item = Article
item-of = { $item } sur { $total }
field-produced-on = Produit le
field-expires-on = Valable jusqu'au
field-certificate = Certificat
field-first-scanned = Première vérification
field-scans = Vérifications
scans-count = { $count ->
    [one] vérifiée une fois
   *[other] vérifiée { $count } fois
}
first-scan-now = C'est la première fois que cette étiquette est vérifiée.
badge-women-led = Coopérative dirigée par des femmes
badge-youth-led = Coopérative de jeunes

## Analyse des vérifications.
warning-suspected-copy-title = Cette étiquette a peut-être été copiée
warning-suspected-copy-body = Cette même étiquette a été vérifiée par de nombreuses personnes différentes ou de nombreuses fois aujourd'hui. Une étiquette authentique ne figure que sur un seul produit.

## Le code court imprimé sous le code QR.
humancode-title = Vérifier un code court
humancode-help = Saisissez le code court imprimé sous le code QR, par exemple K7M2Q-9XD4T-0ABCD-EF123-45678.
humancode-field = Code court
humancode-submit = Vérifier
humancode-note = Vous avez saisi le code court. Scanner le code QR donne une vérification plus forte : elle prouve aussi la signature de l'étiquette.
humancode-typo = Ce code court ne correspond à aucune étiquette. Vérifiez chaque caractère (O compte pour 0, I et L pour 1) ; s'il ne correspond toujours pas, l'étiquette n'est peut-être pas authentique : scannez le code QR si vous le pouvez.
humancode-length = Un code court compte 25 lettres et chiffres (tirets non compris). Merci de le vérifier.
humancode-char = Le caractère « { $char } » ne peut pas figurer dans un code court.
humancode-unknown = Aucune étiquette ne porte ce code court. Vérifiez le code, ou scannez le code QR.

## Signaler un produit suspect.
report-title = Signaler ce produit
report-intro = Indiquez aux agents de certification où vous l'avez trouvé. N'indiquez pas de données personnelles.
report-where = Où l'avez-vous acheté ?
report-where-hint = Boutique, souk ou ville
report-comment = Qu'avez-vous remarqué ?
report-submit = Envoyer le signalement
report-thanks = Merci. Votre signalement a été transmis aux agents de certification.
report-rate-limited = Vous avez déjà envoyé plusieurs signalements. Merci de réessayer plus tard.
report-invalid = Indiquez où vous avez acheté le produit (200 caractères au plus) et gardez le commentaire sous 1000 caractères.
report-expired = Le formulaire a expiré. Merci de l'envoyer à nouveau.

## Habillage et erreurs.
footer-offline = Chacun peut vérifier une étiquette sans faire confiance à ce site, avec les clés publiées.
footer-what = tasdiq certifie les produits des marques collectives du Maroc : huile d'argan, safran, dattes, tapis, poterie, zellige, argent et bien d'autres.
error-not-found-title = Page introuvable
error-not-found-body = Il n'y a rien à cette adresse.
error-bad-request-title = Cette demande est illisible
error-unavailable-title = Service indisponible
error-unavailable-body = Le service est occupé ou en maintenance. Merci de réessayer dans un instant.
error-too-large-title = Envoi trop volumineux
error-too-large-body = Ce que vous avez envoyé dépasse la taille acceptée. Raccourcissez-le et renvoyez-le.
back-home = Vérifier une autre étiquette

## Les 12 régions.
region-tanger-tetouan-al-hoceima = Tanger-Tétouan-Al Hoceïma
region-oriental = Oriental
region-fes-meknes = Fès-Meknès
region-rabat-sale-kenitra = Rabat-Salé-Kénitra
region-beni-mellal-khenifra = Béni Mellal-Khénifra
region-casablanca-settat = Casablanca-Settat
region-marrakech-safi = Marrakech-Safi
region-draa-tafilalet = Drâa-Tafilalet
region-souss-massa = Souss-Massa
region-guelmim-oued-noun = Guelmim-Oued Noun
region-laayoune-sakia-el-hamra = Laâyoune-Sakia El Hamra
region-dakhla-oued-ed-dahab = Dakhla-Oued Ed-Dahab

## Interface des agents.
o-title = Bureau de certification
o-nav-dashboard = Tableau de bord
o-nav-brands = Marques
o-nav-producers = Producteurs
o-nav-certificates = Certificats
o-nav-issue = Délivrer un certificat
o-nav-audit = Journal d'audit
o-nav-officers = Agents
o-nav-apikeys = Clés d'API
o-nav-keys = Clés de signature
o-signout = Se déconnecter
o-signed-in-as = Connecté en tant que
o-login-title = Connexion des agents
o-email = Courriel
o-password = Mot de passe
o-login-submit = Se connecter
o-login-failed = Courriel ou mot de passe incorrect.
o-login-limited = Trop d'échecs de connexion. Patientez quelques minutes puis réessayez.
o-csrf-failed = Ce formulaire a expiré ou ne vient pas de ce site. Merci de réessayer.
o-forbidden = Votre rôle ne permet pas cette action.
o-saved = Enregistré.
o-search = Rechercher
o-filter-region = Région
o-all = Toutes
o-none = Rien pour l'instant.
o-previous = Précédent
o-next = Suivant
o-actions = Actions
o-reason = Motif
o-status = Statut
o-change = Modifier
o-submit = Enregistrer
o-number = Numéro
o-name = Nom
o-kind = Nature
o-category = Catégorie
o-members = Membres
o-active-members = Membres actifs
o-brands-active = Marques actives
o-certificates-issued = Certificats délivrés
o-inclusion-title = Inclusion parmi les membres actifs, par région
o-women-led = Dirigés par des femmes
o-youth-led = Dirigés par des jeunes
o-scans-chart = Vérifications par jour, 30 derniers jours
o-recent-scans = Vérifications récentes
o-suspected = Copies suspectées
o-reports = Signalements des consommateurs
o-last-scan = Dernière vérification
o-label = Étiquette
o-scans = Vérifications
o-clients = Clients distincts
o-place = Lieu
o-comment = Commentaire
o-when = Quand
o-verdict = Verdict
o-brand-status-form = Changer le statut de la marque
o-suspend = Suspendre
o-reinstate = Rétablir
o-withdraw = Retirer
o-grant-title = Accorder un droit d'usage
o-producer-id = Identifiant du producteur
o-valid-from = Valable du
o-valid-until = Valable jusqu'au
o-member-change = Modifier ce droit d'usage
o-new-producer = Nouveau producteur
o-edit-producer = Modifier le producteur
o-ice = ICE (15 chiffres)
o-register-number = Numéro d'immatriculation
o-province = Province
o-women-led-field = Dirigé par des femmes
o-youth-led-field = Dirigé par des jeunes
o-rights = Droits d'usage
o-issue-title = Délivrer un certificat pour un lot
o-brand-number = Numéro de la marque
o-product = Produit
o-lot = Code du lot
o-quantity = Quantité (articles)
o-produced-on = Produit le
o-expires-on = Expire le
o-issue-submit = Délivrer le certificat
o-certificate = Certificat
o-preview = Aperçu de l'étiquette
o-downloads = Téléchargements
o-layout = Format des planches
o-layout-3x8 = A4, 3 × 8 étiquettes de 70 × 37 mm
o-layout-2x5 = A4, 2 × 5 étiquettes de 105 × 57 mm
o-from = De l'article
o-to = À l'article
o-download-pdf = Planches PDF
o-download-csv = CSV pour imprimeur
o-download-png = Étiquette PNG
o-download-svg = Étiquette SVG
o-revoke-title = Révoquer ce certificat
o-revoke-submit = Révoquer
o-revoked-note = Ce certificat est révoqué : ses étiquettes ne sont plus imprimées.
o-actor = Qui
o-action = Quoi
o-target = Sur quoi
o-before = Avant
o-after = Après
o-role = Rôle
o-create = Créer
o-created = Créé
o-revoke-key = Révoquer
o-apikey-shown-once = Copiez cette clé maintenant : elle n'est affichée qu'une fois.
o-rotate = Renouveler : créer une nouvelle clé de signature
o-key-secret-here = Clé privée sur ce nœud
o-yes = oui
o-no = non

## Short-code limit, account and access.
humancode-limited = Trop de codes courts ont été vérifiés depuis votre réseau. Patientez une minute puis réessayez, ou scannez le code QR.
o-nav-account = Mon compte
o-account-title = Mon compte
o-password-current = Mot de passe actuel
o-password-new = Nouveau mot de passe (12 caractères au moins)
o-password-again = Nouveau mot de passe, à nouveau
o-password-submit = Changer le mot de passe
o-password-changed = Mot de passe changé. Vos autres sessions ont été fermées.
o-password-short = Le nouveau mot de passe doit compter au moins 12 caractères.
o-password-mismatch = Les deux nouveaux mots de passe diffèrent.
o-password-wrong = Le mot de passe actuel est incorrect.
o-disable = Désactiver
o-enable = Réactiver
o-account-disabled = désactivé
o-account-active = actif
o-disable-self = Vous ne pouvez pas désactiver votre propre compte.

## Issue #15: suspected copies, badges by kind, the home page.
verdict-suspected_copy-title = Authentique, mais peut-être copiée
verdict-suspected_copy-body = La signature de cette étiquette est authentique, mais cette même étiquette a été vérifiée par bien plus de personnes, ou bien plus de fois aujourd'hui, qu'une étiquette posée sur un seul produit. Elle a peut-être été photocopiée et collée sur un autre produit.
verdict-suspected_copy-action = Vérifiez que le sceau et l'emballage sont intacts, comparez le lot imprimé sur le produit avec le lot ci-dessous, et signalez l'étiquette si quelque chose ne correspond pas.
badge-kind-cooperative = Coopérative
badge-kind-association = Association
badge-kind-company = Entreprise
badge-kind-artisan = Artisan
home-title = Vérifier les produits des marques collectives du Maroc
home-intro = Chaque produit certifié porte une étiquette avec un code QR signé. Scannez-le avec l'appareil photo de votre téléphone, ou tapez le code court imprimé dessous.
home-verify = Taper un code court
home-registry = Le registre public des marques (API)
home-officer = Espace des agents de certification
home-api = Documentation de l'API
