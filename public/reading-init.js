// Runs in <head> as a plain blocking script (not a module, not inline: a strict CSP allows it from
// 'self' without a hash), so the theme and reading settings are on <html> before first paint.
// The rules mirror src/lib/reading-settings.ts (parseReading); tests/unit/reading-settings.test.ts
// runs this file against the same inputs. Storage may be blocked or hold junk: the page then uses
// the defaults and marks <html data-reading-storage> so the settings panel can say why.
(function () {
  var root = document.documentElement;
  var CHOICES = {
    fontSize: ['small', 'normal', 'large', 'larger', 'largest'],
    measure: ['narrow', 'normal', 'wide'],
    font: ['book', 'dyslexic'],
    motion: ['system', 'reduce', 'allow'],
  };
  var ATTRS = { fontSize: 'data-font-size', measure: 'data-measure', font: 'data-font', motion: 'data-motion' };
  var settings = { fontSize: 'normal', measure: 'normal', font: 'book', motion: 'system' };
  var theme = null;
  var raw = null;
  try {
    theme = localStorage.getItem('learning-dynamics.theme');
    raw = localStorage.getItem('learning-dynamics.reading');
  } catch (e) {
    root.setAttribute('data-reading-storage', 'blocked');
  }
  if (theme === 'light' || theme === 'dark') root.setAttribute('data-theme', theme);
  if (raw !== null) {
    var value = null;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      value = null;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      root.setAttribute('data-reading-storage', 'reset');
    } else {
      for (var key in CHOICES) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        var v = value[key];
        if (typeof v === 'string' && CHOICES[key].indexOf(v) >= 0) settings[key] = v;
        else root.setAttribute('data-reading-storage', 'reset');
      }
    }
  }
  for (var k in ATTRS) root.setAttribute(ATTRS[k], settings[k]);
})();
