/**
 * @module Messaging and e-mail: Slack, Discord, Telegram, Microsoft Teams, Twilio, SendGrid,
 * Mailgun, Mailchimp, Postmark, Brevo, Resend, Mandrill, Mailjet, SparkPost, Vonage, Zoom, Pusher.
 */
import { decodeBase64Text } from './codec.js';
import { defineRule } from './rule.js';
import { ALNUM, HEX, UUID, contextRule, tokenRule } from './helpers.js';
import type { Rule } from './rule.js';

/** A Discord bot token: base64(user snowflake).base64(timestamp).HMAC. */
function isDiscordBotToken(secret: string): boolean {
  const [id] = secret.split('.');
  if (id === undefined) return false;
  const decoded = decodeBase64Text(id);
  return decoded !== undefined && /^\d{17,20}$/.test(decoded);
}

export const chatRules: readonly Rule[] = [
  tokenRule({
    id: 'slack-bot-token',
    provider: 'Slack',
    description: 'Slack bot token (xoxb-)',
    severity: 'critical',
    keywords: ['xoxb-'],
    pattern: 'xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24,34}',
  }),
  tokenRule({
    id: 'slack-user-token',
    provider: 'Slack',
    description: 'Slack user / workspace token (xoxp-, xoxa-, xoxr-, xoxs-, xoxe.xoxp-)',
    severity: 'critical',
    keywords: ['xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxe.xoxp-'],
    pattern: 'xoxe\\.xoxp-1-[A-Za-z0-9]{140,170}|xox[pars]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32,64}',
  }),
  tokenRule({
    id: 'slack-app-token',
    provider: 'Slack',
    description: 'Slack app-level token (xapp-)',
    severity: 'critical',
    keywords: ['xapp-'],
    pattern: 'xapp-\\d-[A-Z0-9]{9,12}-\\d{10,14}-[a-f0-9]{64}',
  }),
  tokenRule({
    id: 'slack-config-token',
    provider: 'Slack',
    description: 'Slack configuration access / refresh token (xoxe-)',
    keywords: ['xoxe-'],
    pattern: 'xoxe-\\d-[A-Za-z0-9]{140,170}',
  }),
  tokenRule({
    id: 'slack-webhook-url',
    provider: 'Slack',
    description: 'Slack incoming webhook URL',
    keywords: ['hooks.slack.com'],
    pattern: 'https://hooks\\.slack\\.com/(?:services|workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[A-Za-z0-9]{20,32}',
  }),
  tokenRule({
    id: 'discord-bot-token',
    provider: 'Discord',
    description: 'Discord bot token (base64 user id . timestamp . HMAC; the id is verified)',
    severity: 'critical',
    keywords: ['mt', 'mj', 'mz', 'nd', 'nt', 'nj', 'nz', 'od', 'ot'],
    pattern: '(?:MT|Mj|Mz|ND|NT|Nj|Nz|OD|OT)[A-Za-z0-9_-]{21,26}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}',
    validate: isDiscordBotToken,
  }),
  tokenRule({
    id: 'discord-webhook-url',
    provider: 'Discord',
    description: 'Discord webhook URL',
    keywords: ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'],
    pattern: 'https://(?:canary\\.|ptb\\.)?discord(?:app)?\\.com/api/webhooks/\\d{17,20}/[A-Za-z0-9_-]{60,68}',
  }),
  tokenRule({
    id: 'telegram-bot-token',
    provider: 'Telegram',
    description: 'Telegram Bot API token (<bot id>:AA…)',
    severity: 'critical',
    keywords: [':aa'],
    pattern: '[0-9]{8,10}:AA[A-Za-z0-9_-]{33}',
  }),
  tokenRule({
    id: 'microsoft-teams-webhook',
    provider: 'Microsoft Teams',
    description: 'Microsoft Teams incoming webhook URL',
    keywords: ['webhook.office.com'],
    pattern: `https://[a-z0-9-]{1,60}\\.webhook\\.office\\.com/webhookb2/${UUID}@${UUID}/IncomingWebhook/[a-f0-9]{32}/${UUID}(?:/[A-Za-z0-9_-]{20,60})?`,
  }),
  contextRule({
    id: 'twilio-api-key',
    provider: 'Twilio',
    description: 'Twilio API key SID (SK + 32 hex) next to a Twilio name',
    names: ['twilio'],
    value: 'SK[0-9a-f]{32}',
  }),
  contextRule({
    id: 'twilio-auth-token',
    provider: 'Twilio',
    description: 'Twilio auth token / API secret (32 hex next to a Twilio name)',
    severity: 'critical',
    names: ['twilio'],
    value: HEX(32),
  }),
  tokenRule({
    id: 'sendgrid-api-key',
    provider: 'SendGrid',
    description: 'SendGrid API key (SG.<22>.<43>)',
    severity: 'critical',
    keywords: ['sg.'],
    pattern: 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}',
    minEntropy: 4,
  }),
  tokenRule({
    id: 'mailgun-api-key',
    provider: 'Mailgun',
    description: 'Mailgun private API key (key- + 32 hex)',
    severity: 'critical',
    keywords: ['key-'],
    pattern: 'key-[a-f0-9]{32}',
    minEntropy: 3,
  }),
  tokenRule({
    id: 'mailchimp-api-key',
    provider: 'Mailchimp',
    description: 'Mailchimp API key (32 hex + -us<dc>)',
    keywords: ['-us'],
    pattern: '[a-f0-9]{32}-us[0-9]{1,2}',
    trailing: '[A-Za-z0-9]',
    minEntropy: 3,
  }),
  contextRule({
    id: 'postmark-server-token',
    provider: 'Postmark',
    description: 'Postmark server / account token (UUID next to a Postmark name)',
    names: ['postmark'],
    value: UUID,
  }),
  tokenRule({
    id: 'brevo-api-key',
    provider: 'Brevo',
    description: 'Brevo (Sendinblue) API / SMTP key (xkeysib-, xsmtpsib-)',
    severity: 'critical',
    keywords: ['xkeysib-', 'xsmtpsib-'],
    pattern: 'x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}',
  }),
  tokenRule({
    id: 'resend-api-key',
    provider: 'Resend',
    description: 'Resend API key (re_<8>_<24>)',
    keywords: ['re_'],
    pattern: 're_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}',
    minEntropy: 3.5,
  }),
  contextRule({
    id: 'mandrill-api-key',
    provider: 'Mandrill',
    description: 'Mailchimp Transactional (Mandrill) API key next to a Mandrill name',
    names: ['mandrill'],
    value: 'md-[A-Za-z0-9_-]{22}|[A-Za-z0-9_-]{22}',
  }),
  contextRule({
    id: 'mailjet-secret-key',
    provider: 'Mailjet',
    description: 'Mailjet API secret key (32 hex next to a Mailjet name)',
    names: ['mailjet', 'mj_apikey_private'],
    value: HEX(32),
  }),
  contextRule({
    id: 'sparkpost-api-key',
    provider: 'SparkPost',
    description: 'SparkPost API key (40 hex next to a SparkPost name)',
    names: ['sparkpost'],
    value: HEX(40),
  }),
  contextRule({
    id: 'vonage-api-secret',
    provider: 'Vonage',
    description: 'Vonage (Nexmo) API secret next to a Vonage name',
    names: ['vonage', 'nexmo'],
    value: ALNUM(16),
    minEntropy: 3.3,
  }),
  contextRule({
    id: 'zoom-client-secret',
    provider: 'Zoom',
    description: 'Zoom OAuth / Server-to-Server client secret next to a Zoom name',
    names: ['zoom_client_secret', 'zoom_api_secret', 'zoom_secret'],
    value: ALNUM(32),
  }),
  contextRule({
    id: 'pusher-secret',
    provider: 'Pusher',
    description: 'Pusher Channels app secret next to a Pusher name',
    names: ['pusher_app_secret', 'pusher_secret'],
    value: HEX(20),
    minEntropy: 2.5,
  }),
  defineRule({
    id: 'sendbird-api-token',
    provider: 'Sendbird',
    description: 'Sendbird API token (40 hex in an Api-Token header or next to a Sendbird name)',
    severity: 'high',
    keywords: ['sendbird', 'api-token'],
    regex: /(?:sendbird[A-Za-z0-9_.-]{0,30}['"]?\s{0,5}[=:]\s{0,5}['"]?|Api-Token['"]?\s{0,3}:\s{0,3}['"]?)(?<secret>[a-f0-9]{40})(?![A-Za-z0-9])/gi,
    minEntropy: 3,
  }),
];
