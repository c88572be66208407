/**
 * The colours VS Code hands a webview (as `--vscode-<colour id with - for .>` variables) for its default themes, so
 * the panels can be checked in a browser without a running editor. Values are VS Code 1.100's: the theme files in
 * extensions/theme-defaults/themes/ (Light+ and Dark+ include light_vs/dark_vs, the Modern themes include the +
 * themes) over the colour registry's defaults for each theme type. Only the colours the panels use are listed; a
 * colour a theme leaves undefined (null in the registry) is left out here too, as VS Code leaves out its variable.
 */

export type ThemeKind = 'light' | 'dark' | 'hc-dark' | 'hc-light';

export interface WebviewTheme {
  /** The name VS Code's theme picker shows. */
  label: string;
  kind: ThemeKind;
  colors: Record<string, string>;
}

const LIGHT_DEFAULTS: Record<string, string> = {
  foreground: '#616161',
  'editor.background': '#FFFFFF',
  descriptionForeground: '#717171',
  errorForeground: '#A1260D',
  focusBorder: '#0090F1',
  'textLink.foreground': '#006AB1',
  'textLink.activeForeground': '#006AB1',
  'textPreformat.foreground': '#A31515',
  'list.hoverBackground': '#F0F0F0',
  'list.activeSelectionBackground': '#0060C0',
  'list.activeSelectionForeground': '#FFFFFF',
  'list.inactiveSelectionBackground': '#E4E6F1',
  'input.background': '#FFFFFF',
  'input.foreground': '#616161',
  'badge.background': '#C4C4C4',
  'badge.foreground': '#333333',
  'button.background': '#007ACC',
  'button.foreground': '#FFFFFF',
  'button.hoverBackground': '#0062A3',
  'inputValidation.warningBackground': '#F6F5D2',
  'inputValidation.errorBackground': '#F2DEDE',
  'panel.border': '#80808059',
  'charts.blue': '#1A85FF',
  'charts.purple': '#652D90',
  'charts.green': '#388A34',
  'charts.yellow': '#BF8803',
  'charts.red': '#E51400',
};

const DARK_DEFAULTS: Record<string, string> = {
  foreground: '#CCCCCC',
  'editor.background': '#1E1E1E',
  descriptionForeground: '#CCCCCCB3',
  errorForeground: '#F48771',
  focusBorder: '#007FD4',
  'textLink.foreground': '#3794FF',
  'textLink.activeForeground': '#3794FF',
  'textPreformat.foreground': '#D7BA7D',
  'list.hoverBackground': '#2A2D2E',
  'list.activeSelectionBackground': '#0E639C',
  'list.activeSelectionForeground': '#FFFFFF',
  'list.inactiveSelectionBackground': '#37373D',
  'input.background': '#3C3C3C',
  'input.foreground': '#CCCCCC',
  'badge.background': '#4D4D4D',
  'badge.foreground': '#FFFFFF',
  'button.background': '#0E639C',
  'button.foreground': '#FFFFFF',
  'button.hoverBackground': '#1177BB',
  'inputValidation.warningBackground': '#352A05',
  'inputValidation.errorBackground': '#5A1D1D',
  'panel.border': '#80808059',
  'charts.blue': '#3794FF',
  'charts.purple': '#B180D7',
  'charts.green': '#89D185',
  'charts.yellow': '#CCA700',
  'charts.red': '#F14C4C',
};

export const THEMES: Record<string, WebviewTheme> = {
  'light-plus': {
    label: 'Light+',
    kind: 'light',
    colors: { ...LIGHT_DEFAULTS, 'list.hoverBackground': '#E8E8E8' },
  },
  'dark-plus': { label: 'Dark+', kind: 'dark', colors: { ...DARK_DEFAULTS } },
  'light-modern': {
    label: 'Light Modern',
    kind: 'light',
    colors: {
      ...LIGHT_DEFAULTS,
      foreground: '#3B3B3B',
      descriptionForeground: '#3B3B3B',
      errorForeground: '#F85149',
      focusBorder: '#005FB8',
      'textLink.foreground': '#005FB8',
      'textLink.activeForeground': '#005FB8',
      'textPreformat.foreground': '#3B3B3B',
      'textPreformat.background': '#0000001F',
      'list.hoverBackground': '#F2F2F2',
      'list.activeSelectionBackground': '#E8E8E8',
      'list.activeSelectionForeground': '#000000',
      'input.foreground': '#3B3B3B',
      'input.border': '#CECECE',
      'badge.background': '#CCCCCC',
      'badge.foreground': '#3B3B3B',
      'button.background': '#005FB8',
      'button.hoverBackground': '#0258A8',
      'button.border': '#0000001A',
      'panel.border': '#E5E5E5',
    },
  },
  'dark-modern': {
    label: 'Dark Modern',
    kind: 'dark',
    colors: {
      ...DARK_DEFAULTS,
      'editor.background': '#1F1F1F',
      descriptionForeground: '#9D9D9D',
      errorForeground: '#F85149',
      focusBorder: '#0078D4',
      'textLink.foreground': '#4DAAFC',
      'textLink.activeForeground': '#4DAAFC',
      'textPreformat.foreground': '#D0D0D0',
      'textPreformat.background': '#3C3C3C',
      'input.background': '#313131',
      'input.border': '#3C3C3C',
      'badge.background': '#616161',
      'badge.foreground': '#F8F8F8',
      'button.background': '#0078D4',
      'button.hoverBackground': '#026EC1',
      'button.border': '#FFFFFF1A',
      'panel.border': '#2B2B2B',
    },
  },
  'hc-dark': {
    label: 'Dark High Contrast',
    kind: 'hc-dark',
    colors: {
      foreground: '#FFFFFF',
      'editor.background': '#000000',
      descriptionForeground: '#FFFFFFB3',
      errorForeground: '#F48771',
      focusBorder: '#F38518',
      contrastBorder: '#6FC3DF',
      contrastActiveBorder: '#F38518',
      'textLink.foreground': '#21A6FF',
      'textLink.activeForeground': '#21A6FF',
      'textPreformat.foreground': '#FFFFFF',
      'list.hoverBackground': '#FFFFFF1A',
      'input.background': '#000000',
      'input.foreground': '#FFFFFF',
      'input.border': '#6FC3DF',
      'badge.background': '#000000',
      'badge.foreground': '#FFFFFF',
      'button.foreground': '#FFFFFF',
      'button.border': '#6FC3DF',
      'inputValidation.warningBackground': '#000000',
      'inputValidation.errorBackground': '#000000',
      'panel.border': '#6FC3DF',
      'charts.blue': '#3794FF',
      'charts.purple': '#B180D7',
      'charts.green': '#89D185',
      'charts.yellow': '#FFD370',
      'charts.red': '#F48771',
    },
  },
  'hc-light': {
    label: 'Light High Contrast',
    kind: 'hc-light',
    colors: {
      foreground: '#292929',
      'editor.background': '#FFFFFF',
      descriptionForeground: '#292929B3',
      errorForeground: '#B5200D',
      focusBorder: '#006BBD',
      contrastBorder: '#0F4A85',
      contrastActiveBorder: '#006BBD',
      'textLink.foreground': '#0F4A85',
      'textLink.activeForeground': '#0F4A85',
      'textPreformat.foreground': '#292929',
      'list.hoverBackground': '#0F4A851A',
      'list.activeSelectionBackground': '#0F4A851A',
      'list.inactiveSelectionBackground': '#0F4A851A',
      'input.background': '#FFFFFF',
      'input.foreground': '#292929',
      'input.border': '#0F4A85',
      'badge.background': '#0F4A85',
      'badge.foreground': '#FFFFFF',
      'button.background': '#0F4A85',
      'button.foreground': '#FFFFFF',
      'button.border': '#0F4A85',
      'inputValidation.warningBackground': '#FFFFFF',
      'inputValidation.errorBackground': '#FFFFFF',
      'panel.border': '#0F4A85',
      'charts.blue': '#1A85FF',
      'charts.purple': '#652D90',
      'charts.green': '#374E06',
      'charts.yellow': '#895503',
      'charts.red': '#B5200D',
    },
  },
};

/**
 * The theme as the stylesheet a test page loads (the panels' CSP allows no inline style). Besides the colours, VS
 * Code sets the fonts, and `--text-link-decoration` to `none` unless "accessibility.underlineLinks" is on.
 */
export function themeStylesheet(theme: WebviewTheme): string {
  const vars = Object.entries(theme.colors).map(([id, value]) => `--vscode-${id.replace(/\./g, '-')}:${value};`);
  return (
    ':root{' +
    vars.join('') +
    '--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;' +
    '--text-link-decoration:none;}'
  );
}
