/** Every string the composer shows besides the uploader's own, so a host app can translate it. */
export interface ComposerMessages {
  /** The name of the whole composer (a form landmark). */
  formLabel: string;
  messageLabel: string;
  messagePlaceholder: string;
  subjectLabel: string;
  /** The name of the channel choice, when several are allowed. */
  channelLabel: string;
  send: string;
  sending: string;
  /** Announced, and shown, once HighLevel has the message. */
  sent: string;
  /** Why Send is off while files upload. */
  waitForUploads: string;
  /** Why Send is off with nothing in the message. */
  nothingToSend: string;
  /** How to send from the keyboard. */
  shortcut: string;
  /** Names of the channels, by message type. */
  channels: Record<string, string>;
}

const CHANNELS = { SMS: 'SMS', RCS: 'RCS', Email: 'Email', WhatsApp: 'WhatsApp', IG: 'Instagram', FB: 'Facebook', Custom: 'Custom', Live_Chat: 'Live chat', TIKTOK: 'TikTok' };

export const DEFAULT_COMPOSER_MESSAGES: ComposerMessages = {
  formLabel: 'Reply with attachments',
  messageLabel: 'Message',
  messagePlaceholder: 'Write a message…',
  subjectLabel: 'Subject',
  channelLabel: 'Send as',
  send: 'Send',
  sending: 'Sending…',
  sent: 'Message sent.',
  waitForUploads: 'Send is available once the files have uploaded.',
  nothingToSend: 'Write a message or attach a file to send.',
  shortcut: 'Ctrl+Enter sends.',
  channels: CHANNELS,
};

export const FRENCH_COMPOSER_MESSAGES: ComposerMessages = {
  formLabel: 'Répondre avec des pièces jointes',
  messageLabel: 'Message',
  messagePlaceholder: 'Écrivez un message…',
  subjectLabel: 'Objet',
  channelLabel: 'Envoyer par',
  send: 'Envoyer',
  sending: 'Envoi…',
  sent: 'Message envoyé.',
  waitForUploads: 'L’envoi sera possible une fois les fichiers envoyés.',
  nothingToSend: 'Écrivez un message ou joignez un fichier pour envoyer.',
  shortcut: 'Ctrl+Entrée envoie.',
  channels: { ...CHANNELS, Custom: 'Personnalisé', Live_Chat: 'Chat en direct' },
};

export const GERMAN_COMPOSER_MESSAGES: ComposerMessages = {
  formLabel: 'Mit Anhängen antworten',
  messageLabel: 'Nachricht',
  messagePlaceholder: 'Nachricht schreiben…',
  subjectLabel: 'Betreff',
  channelLabel: 'Senden als',
  send: 'Senden',
  sending: 'Wird gesendet…',
  sent: 'Nachricht gesendet.',
  waitForUploads: 'Senden ist möglich, sobald die Dateien hochgeladen sind.',
  nothingToSend: 'Schreiben Sie eine Nachricht oder hängen Sie eine Datei an.',
  shortcut: 'Strg+Eingabe sendet.',
  channels: { ...CHANNELS, Custom: 'Benutzerdefiniert', Live_Chat: 'Live-Chat' },
};

/** The composer's words for a locale tag (`fr`, `de-CH`…), English otherwise. */
export function composerMessagesFor(locale: string | undefined): ComposerMessages {
  const language = (locale ?? 'en').toLowerCase().split('-')[0];
  return language === 'fr' ? FRENCH_COMPOSER_MESSAGES : language === 'de' ? GERMAN_COMPOSER_MESSAGES : DEFAULT_COMPOSER_MESSAGES;
}
