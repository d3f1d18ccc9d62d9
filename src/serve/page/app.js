// The entry module of `healthdex serve`'s page: the shared search UI (ui.js)
// mounted on #healthdex with the source that asks this server's API. Everything
// else the page does is ui.js's; the page's own <h1> labels the box.
import { mount } from './ui.js';
import { serverSource } from './server-source.js';

mount(document.getElementById('healthdex'), serverSource(), {
  label: 'Search health articles',
  hideLabel: true,
  documentTitle: true,
  autofocus: !new URLSearchParams(location.search).has('q'),
  stylesheet: false, // index.html links it in <head>, so nothing flashes unstyled
});
