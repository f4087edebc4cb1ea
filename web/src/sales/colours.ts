// Tag colours for the sales pages: solid colours dark enough for white text to
// meet WCAG AA (antd's light preset tags in green, gold and orange do not).
export const TAG = {
  green: '#237804',
  olive: '#3f6600',
  blue: '#1f5fbf',
  red: '#a8071a',
  orange: '#ad4e00',
  grey: '#595959',
} as const;

export const OPP_STATUS_COLOURS: Record<string, string> = { open: TAG.blue, won: TAG.green, lost: TAG.red };
export const MAN_ACTION_COLOURS: Record<string, string> = { pursue: TAG.green, contact: TAG.orange, cultivate: TAG.orange, stop: TAG.red };
export const ORDER_STATUS_COLOURS: Record<string, string> = { placed: TAG.blue, paid: TAG.green, refunded: TAG.orange, cancelled: TAG.grey };
export const INSTALMENT_STATUS_COLOURS: Record<string, string> = { paid: TAG.green, partly_paid: TAG.blue, due: TAG.grey, overdue: TAG.red };
export const ATTITUDE_COLOURS: Record<string, string> = {
  champion: TAG.green,
  supporter: TAG.olive,
  neutral: TAG.grey,
  skeptic: TAG.orange,
  opponent: TAG.red,
};
