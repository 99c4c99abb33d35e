/**
 * The French words of every page, key for key those of `en.ts` (TypeScript refuses a missing or
 * an extra key). French typography: a no-break space (`\u00a0`) goes before `:`, `?` and
 * inside « ».
 */
import type { Catalog } from "./en";

/** French plurals: the singular for 0 and 1, the plural from 2 on. */
const plural = (n: number, one: string, other: string): string => (Math.abs(n) < 2 ? one : other);

export const fr: Catalog = {
  common: {
    serverAddress: "Adresse du serveur",
    login: "Identifiant",
    plainHttpWarning:
      "Cette adresse n'est pas chiffrée\u00a0: votre mot de passe circulerait en clair sur le réseau. Utilisez https:// sauf avis contraire de votre administrateur.",
    advanced: "Options avancées",
    caFile: "Fichier de l'autorité de certification (CA)",
    caFileHint: "Seulement pour les serveurs qui utilisent une autorité de certification d'entreprise.",
    calling: (display) => `Appel vers ${display}`,
  },

  errors: {
    not_allowed: "Votre compte n'a pas accès à myCRM — demandez le droit CRM à votre administrateur",
    bad_credentials: "Identifiant ou mot de passe incorrect",
    session_lost: "La connexion au serveur a été perdue",
    bad_terminal: "Ce poste n'est pas disponible pour votre compte",
    terminal_out_of_service: "Ce poste est hors service",
    server_not_ready: "Le serveur n'est pas encore prêt — réessayez dans un instant",
    network: "Impossible de joindre le serveur — vérifiez l'adresse et votre réseau",
    tls: "Le certificat du serveur n'est pas reconnu — demandez à votre administrateur le fichier de son autorité de certification (CA) et ajoutez-le dans «\u00a0Options avancées\u00a0»",
    ca_file: "Le fichier CA ne peut pas être utilisé",
    protocol: "Le serveur a donné une réponse qu'istra-tray ne comprend pas",
    no_number: "Il n'y a aucun numéro à utiliser",
    invalid_number: "Ce n'est pas un numéro de téléphone",
    ambiguous_number: "Ce numéro est ambigu — ajoutez l'indicatif du pays",
    too_long: "Ce texte est trop long pour être un numéro de téléphone",
    selection_unavailable: "La sélection ou le presse-papiers ne peut pas être lu",
    accessibility_permission:
      "Autorisez istra-tray dans Réglages Système → Confidentialité et sécurité → Accessibilité, puis réessayez",
    invalid_settings: "Certains paramètres ne sont pas valides",
    keyring: "Le mot de passe n'a pas pu être enregistré dans le trousseau du système",
    not_signed_in: "Vous n'êtes pas connecté",
    hotkey_taken: "Ce raccourci est déjà utilisé par une autre application",
    journal: "L'historique des appels n'est pas disponible",
    duplicate: "Ce numéro est déjà en cours d'appel",
    invalid_template:
      "Cette adresse de remontée de fiche n'est pas valide — elle doit commencer par http:// ou https://",
    contacts_file: "istra-tray ne peut pas lire de contacts dans ce fichier",
    browser: "Le navigateur web n'a pas pu être ouvert",
    contacts: "Vos contacts ne sont pas disponibles",
    internal: "Une erreur s'est produite dans istra-tray",
  },
  unknownError: "Erreur inconnue",
  unknownErrorWith: (detail) => `Erreur inconnue\u00a0: ${detail}`,

  time: {
    justNow: "à l'instant",
    minutesAgo: (minutes) => `il y a ${minutes} min`,
    hoursAgo: (hours) => `il y a ${hours} h`,
    daysAgo: (days) => plural(days, `il y a ${days} jour`, `il y a ${days} jours`),
  },

  call: {
    unknownNumber: "Numéro inconnu",
    incomingRinging: "Appel entrant…",
    outgoingRinging: "Appel en cours…",
    talking: (duration) => `En communication ${duration}`,
    onHold: "En attente",
    missedCall: "Appel manqué",
    ended: "Terminé",
    endedAfter: (duration) => `Terminé · ${duration}`,
    missed: "Manqué",
    noAnswer: "Sans réponse",
    inProgress: "En cours",
    internal: "Interne",
    external: "Externe",
    via: (acd) => `via ${acd}`,
    incoming: "Entrant",
    outgoing: "Sortant",
  },

  status: {
    loading: "Chargement…",
    signedOut: "Déconnecté",
    connecting: "Connexion…",
    connectingTo: (server) => `Connexion à ${server}…`,
    online: "En ligne",
    onlineOn: (login, terminal) => `En ligne — ${login} sur ${terminal}`,
    onlineNoTerminal: (login) => `En ligne — ${login} (aucun poste choisi)`,
    reconnecting: "Reconnexion…",
    reconnectingIn: (seconds) => `Reconnexion dans ${seconds} s`,
    failed: (reason) => `Échec\u00a0: ${reason}`,
    noReason: "aucune raison donnée",
    stopped: "Arrêté",
    dnd: "Ne pas déranger",
    missedBadge: (count) => plural(count, `${count} manqué`, `${count} manqués`),
    missedCalls: (count) => plural(count, `${count} appel manqué`, `${count} appels manqués`),
    plainHttp: "Connexion non chiffrée",
    plainHttpDetail:
      "Cette connexion n'est pas chiffrée\u00a0: votre mot de passe circule en clair sur le réseau. Utilisez une adresse de serveur en https:// sauf avis contraire de votre administrateur.",
  },

  signin: {
    windowTitle: "Connexion — istra-tray",
    heading: "Connexion",
    lead: "Connectez istra-tray à votre serveur myCRM.",
    password: "Mot de passe",
    remember: "Se souvenir de moi",
    submit: "Se connecter",
    busy: "Connexion en cours…",
    missingFields: "Saisissez l'adresse du serveur, votre identifiant et votre mot de passe.",
    slow: "Le serveur n'a pas encore répondu. Vous pouvez patienter ou réessayer.",
    whichPhone: "Quel poste utilisez-vous\u00a0?",
    done: "Terminer",
  },

  popup: {
    windowTitle: "Appels — istra-tray",
    copyNumber: "Copier le numéro",
    copied: "Copié",
    dismiss: "Ignorer",
    openInCrm: "Ouvrir dans le CRM",
  },

  tabs: {
    views: "Vues",
    recent: "Historique",
    dial: "Composer",
    settings: "Paramètres",
  },

  history: {
    searchPlaceholder: "Rechercher un numéro ou un nom",
    searchLabel: "Rechercher dans les appels",
    show: "Afficher",
    filters: {
      all: { caption: "Tous", empty: "Aucun appel pour l'instant." },
      missed: { caption: "Manqués", empty: "Aucun appel manqué." },
      incoming: { caption: "Entrants", empty: "Aucun appel entrant." },
      outgoing: { caption: "Sortants", empty: "Aucun appel sortant." },
    },
    noMatch: "Aucun appel ne correspond.",
    markSeen: "Tout marquer comme vu",
    markedSeen: "Appels manqués marqués comme vus",
    exportCsv: "Exporter en CSV",
    exported: (path) => `Exporté dans ${path}`,
    newCalls: "Nouveaux appels — afficher",
    loadMore: "Afficher plus",
    calls: "Appels",
    callBack: "Rappeler",
    copy: "Copier",
    copied: "Numéro copié",
  },

  dial: {
    number: "Numéro à appeler",
    call: "Appeler",
    empty: "Saisissez un numéro à appeler.",
    suggestions: "Numéros suggérés",
    sources: { contact: "Contact", history: "Historique" },
  },

  settings: {
    account: "Compte",
    calls: "Appels",
    dialling: "Numérotation",
    screenPop: "Remontée de fiche",
    contacts: "Contacts",
    newPassword: "Nouveau mot de passe",
    keepPassword: "Laissez vide pour garder le mot de passe actuel",
    terminal: "Poste",
    noTerminal: "Aucun",
    popupEnabled: "Afficher une fenêtre pour les appels",
    popupCorner: "Coin de la fenêtre d'appel",
    corners: {
      "top-left": "En haut à gauche",
      "top-right": "En haut à droite",
      "bottom-left": "En bas à gauche",
      "bottom-right": "En bas à droite",
    },
    popupLinger: "Garder les appels terminés à l'écran (secondes)",
    notifyIncoming: "Notifier les appels entrants",
    notifyMissed: "Notifier les appels manqués",
    dnd: "Ne pas déranger",
    hotkey: "Raccourci pour composer",
    hotkeyHint: "Laissez vide pour n'avoir aucun raccourci.",
    defaultCountry: "Pays par défaut",
    outsideLinePrefix: "Préfixe de prise de ligne",
    noPrefix: "aucun",
    startAtLogin: "Lancer à l'ouverture de session",
    handleLinks: "Ouvrir les liens tel:, callto: et sip: avec istra-tray",
    screenPopUrl: "Adresse à ouvrir",
    screenPopHint: (placeholders) => `Laissez vide pour ne rien ouvrir. Variables\u00a0: ${placeholders}`,
    screenPopOn: "Quand l'ouvrir",
    triggers: {
      ringing: "Dès qu'un appel entrant sonne",
      answered: "Quand un appel entrant est décroché",
      button: "Seulement avec le bouton «\u00a0Ouvrir dans le CRM\u00a0» de la fenêtre d'appel",
    },
    save: "Enregistrer",
    saving: "Enregistrement…",
    saved: "Enregistré",
    signOut: "Se déconnecter",
    signedOut: "Déconnecté",
    needsFixing: "Certains paramètres sont à corriger.",
    invalid: {
      server: "Saisissez l'adresse du serveur, par exemple https://pbx.example.com.",
      login: "Saisissez votre identifiant.",
      hotkey:
        "Utilisez des touches de modification (Ctrl, Alt, Shift, Super) et une touche, par exemple Ctrl+Alt+D.",
      popupLingerSecs: "Saisissez un nombre entier de secondes entre 1 et 120.",
      defaultCountry: "Saisissez un code pays à deux lettres, par exemple FR.",
      outsideLinePrefix: "Le préfixe de prise de ligne ne peut contenir que des chiffres.",
      popupCorner: "Choisissez un coin de l'écran.",
      screenPopUrl: "L'adresse doit commencer par http:// ou https://.",
      screenPopOn: "Choisissez quand ouvrir la fiche.",
    },
    contactCount: (count) =>
      count === 0
        ? "Aucun contact enregistré"
        : plural(count, `${count} contact enregistré`, `${count} contacts enregistrés`),
    contactsFile: "Fichier CSV ou vCard",
    importContacts: "Importer",
    importing: "Importation…",
    chooseFile: "Choisissez d'abord un fichier CSV ou vCard.",
    tooBig: (megabytes) =>
      `Ce fichier est trop volumineux\u00a0: un fichier de contacts peut faire au plus ${megabytes} Mo.`,
    imported: (imported, skipped) =>
      `${plural(imported, `${imported} contact importé`, `${imported} contacts importés`)} ` +
      `(${plural(skipped, `${skipped} ignoré`, `${skipped} ignorés`)})`,
    removeAll: "Supprimer tous les contacts",
    confirmRemoval: "Confirmer la suppression",
    cancel: "Annuler",
    confirmPrompt: "Tous les contacts seront supprimés d'istra-tray.",
    removing: "Suppression…",
    removed: "Tous les contacts ont été supprimés",
  },
};
