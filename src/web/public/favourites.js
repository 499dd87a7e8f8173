// Favourites without an account: starred deal ids live in this browser's localStorage. The star
// buttons are rendered hidden (the pages work without this script) and shown here; /favourites
// gets the ids in its URL so the server renders those deals.
(function () {
  'use strict';
  var KEY = 'dealnav.favourites';
  var MAX = 100;
  var ID = /^[1-9][0-9]{0,14}$/;

  function read() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(KEY) || '[]');
      return Array.isArray(stored) ? stored.map(String).filter(function (id) { return ID.test(id); }) : [];
    } catch (error) {
      return [];
    }
  }

  function write(ids) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(ids.slice(0, MAX)));
    } catch (error) {
      // Storage full or refused (private mode): the star simply does not stick.
    }
  }

  function show(button, starred) {
    button.setAttribute('aria-pressed', starred ? 'true' : 'false');
    button.textContent = starred ? button.getAttribute('data-label-remove') : button.getAttribute('data-label-add');
  }

  function toggle(button) {
    var id = button.getAttribute('data-favourite');
    var ids = read();
    var at = ids.indexOf(id);
    if (at >= 0) ids.splice(at, 1);
    else ids.unshift(id);
    write(ids);
    show(button, at < 0);
  }

  function start() {
    var ids = read();
    var buttons = document.querySelectorAll('button[data-favourite]');
    for (var i = 0; i < buttons.length; i++) {
      var button = buttons[i];
      show(button, ids.indexOf(button.getAttribute('data-favourite')) >= 0);
      button.hidden = false;
      button.addEventListener('click', function (event) { toggle(event.currentTarget); });
    }
    if (window.location.pathname === '/favourites') {
      var wanted = ids.join(',');
      var shown = new URLSearchParams(window.location.search).get('ids') || '';
      if (shown !== wanted) window.location.replace('/favourites' + (wanted ? '?ids=' + wanted : ''));
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
