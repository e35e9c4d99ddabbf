/*
 * District pages: a little plain JavaScript, no framework. Progressive enhancement only:
 * every page works without it (all rows are rendered by the server).
 *
 * - table[data-table]: search box ("Cari:"), "Tampilkan N entri", column sort,
 *   paging with "Menampilkan 1 sampai 10 dari 57 entri". Options:
 *     data-page-size="10"   initial page size (-1 = all)
 *     th[data-no-sort]      column not sortable
 *     td[data-sort="…"]     sort key of a cell (else its text)
 *     tr.baris-kosong       the server's "no data" row (ignored)
 * - form[data-autosubmit] select: submit the filter form on change.
 * - [data-print]: print the page.
 * - form[data-confirm="…"]: ask before submitting.
 */
(function () {
  'use strict';

  var SIZES = [10, 25, 50, 100];
  var collator = window.Intl ? new Intl.Collator('id', { numeric: true, sensitivity: 'base' }) : null;

  function text(node) {
    return (node.textContent || '').replace(/\s+/g, ' ').trim();
  }

  function toNumber(s) {
    var t = s.replace(/\s/g, '').replace(/%$/, '');
    if (/^[-+]?\d+([.,]\d+)?$/.test(t)) {
      return parseFloat(t.replace(',', '.'));
    }
    return NaN;
  }

  function fmt(n) {
    try {
      return n.toLocaleString('id-ID');
    } catch (e) {
      return String(n);
    }
  }

  function make(tag, attrs, content) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        node.setAttribute(k, attrs[k]);
      });
    }
    if (content !== undefined) {
      node.textContent = content;
    }
    return node;
  }

  function enhance(table) {
    var body = table.tBodies[0];
    if (!body || table.getAttribute('data-enhanced') === '1') {
      return;
    }
    table.setAttribute('data-enhanced', '1');
    var rows = Array.prototype.slice.call(body.rows).filter(function (r) {
      return !r.classList.contains('baris-kosong');
    });
    rows.forEach(function (r) {
      r.dtKey = text(r).toLowerCase();
    });
    var size = parseInt(table.getAttribute('data-page-size') || '10', 10);
    if (isNaN(size) || size === 0) {
      size = 10;
    }
    var page = 0;
    var query = '';
    var sortCol = -1;
    var sortDir = 1;
    var anchor = table.closest('.tabel-bungkus') || table;

    // Top bar: page size + search.
    var top = make('div', { 'class': 'dt-atas' });
    var lenLabel = make('label');
    lenLabel.appendChild(document.createTextNode('Tampilkan '));
    var select = make('select', { 'aria-label': 'Jumlah entri per halaman' });
    var sizes = SIZES.slice();
    if (size > 0 && sizes.indexOf(size) < 0) {
      sizes.push(size);
      sizes.sort(function (a, b) { return a - b; });
    }
    sizes.concat([-1]).forEach(function (n) {
      var opt = make('option', { value: String(n) }, n < 0 ? 'Semua' : String(n));
      if (n === size) {
        opt.selected = true;
      }
      select.appendChild(opt);
    });
    lenLabel.appendChild(select);
    lenLabel.appendChild(document.createTextNode(' entri'));
    var searchLabel = make('label');
    searchLabel.appendChild(document.createTextNode('Cari: '));
    var input = make('input', { type: 'search', 'aria-label': 'Cari di tabel', autocomplete: 'off' });
    searchLabel.appendChild(input);
    top.appendChild(lenLabel);
    top.appendChild(searchLabel);

    // Bottom bar: info + pager.
    var bottom = make('div', { 'class': 'dt-bawah' });
    var info = make('div', { 'class': 'dt-info', role: 'status', 'aria-live': 'polite' });
    var pager = make('nav', { 'class': 'dt-halaman', 'aria-label': 'Halaman tabel' });
    bottom.appendChild(info);
    bottom.appendChild(pager);
    anchor.parentNode.insertBefore(top, anchor);
    anchor.parentNode.insertBefore(bottom, anchor.nextSibling);

    var headRow = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    var columns = headRow ? headRow.cells.length : 1;
    var emptyRow = make('tr', { 'class': 'dt-kosong' });
    emptyRow.appendChild(make('td', { colspan: String(columns), 'class': 'kosong' }, 'Tidak ditemukan data yang sesuai'));

    function cellKey(row, i) {
      var cell = row.cells[i];
      if (!cell) {
        return '';
      }
      var key = cell.getAttribute('data-sort');
      return key !== null ? key : text(cell);
    }

    function sortRows() {
      var numeric = rows.every(function (r) {
        var k = cellKey(r, sortCol);
        return k === '' || !isNaN(toNumber(k));
      });
      var keyed = rows.map(function (r, idx) {
        var k = cellKey(r, sortCol);
        return { row: r, idx: idx, key: numeric ? (k === '' ? -Infinity : toNumber(k)) : k };
      });
      keyed.sort(function (a, b) {
        var c;
        if (numeric) {
          c = a.key === b.key ? 0 : (a.key < b.key ? -1 : 1);
        } else {
          c = collator ? collator.compare(a.key, b.key) : (a.key < b.key ? -1 : (a.key > b.key ? 1 : 0));
        }
        return c !== 0 ? c * sortDir : a.idx - b.idx;
      });
      rows = keyed.map(function (o) { return o.row; });
      var frag = document.createDocumentFragment();
      rows.forEach(function (r) { frag.appendChild(r); });
      body.appendChild(frag);
    }

    function pageButton(label, target, current, disabled) {
      var b = make('button', { type: 'button' }, label);
      if (current) {
        b.setAttribute('aria-current', 'page');
      }
      if (disabled) {
        b.disabled = true;
      }
      b.addEventListener('click', function () {
        page = target;
        render();
      });
      return b;
    }

    function renderPager(pages) {
      pager.textContent = '';
      pager.appendChild(pageButton('Sebelumnya', page - 1, false, page === 0));
      var shown = [];
      for (var p = 0; p < pages; p++) {
        if (p === 0 || p === pages - 1 || Math.abs(p - page) <= 1) {
          shown.push(p);
        }
      }
      var last = -1;
      shown.forEach(function (p) {
        if (last >= 0 && p - last > 1) {
          pager.appendChild(make('span', { 'aria-hidden': 'true' }, '…'));
        }
        pager.appendChild(pageButton(String(p + 1), p, p === page, false));
        last = p;
      });
      pager.appendChild(pageButton('Selanjutnya', page + 1, false, page >= pages - 1));
    }

    function render() {
      var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
      var matched = [];
      rows.forEach(function (r) {
        var ok = terms.every(function (t) { return r.dtKey.indexOf(t) >= 0; });
        r.classList.toggle('dt-tersaring', !ok);
        if (ok) {
          matched.push(r);
        }
      });
      var total = matched.length;
      var per = size > 0 ? size : Math.max(total, 1);
      var pages = Math.max(1, Math.ceil(total / per));
      if (page >= pages) {
        page = pages - 1;
      }
      if (page < 0) {
        page = 0;
      }
      var start = page * per;
      var end = Math.min(start + per, total);
      matched.forEach(function (r, i) {
        r.classList.toggle('dt-sembunyi-halaman', i < start || i >= end);
      });
      if (total === 0) {
        if (!emptyRow.parentNode) {
          body.appendChild(emptyRow);
        }
      } else if (emptyRow.parentNode) {
        emptyRow.parentNode.removeChild(emptyRow);
      }
      var msg = total === 0
        ? 'Menampilkan 0 sampai 0 dari 0 entri'
        : 'Menampilkan ' + fmt(start + 1) + ' sampai ' + fmt(end) + ' dari ' + fmt(total) + ' entri';
      if (terms.length && total !== rows.length) {
        msg += ' (disaring dari ' + fmt(rows.length) + ' entri keseluruhan)';
      }
      info.textContent = msg;
      renderPager(pages);
    }

    if (headRow) {
      Array.prototype.forEach.call(headRow.cells, function (th, i) {
        if (th.hasAttribute('data-no-sort')) {
          return;
        }
        var button = make('button', { type: 'button', 'class': 'dt-urut' });
        while (th.firstChild) {
          button.appendChild(th.firstChild);
        }
        th.appendChild(button);
        th.setAttribute('aria-sort', 'none');
        button.addEventListener('click', function () {
          if (sortCol === i) {
            sortDir = -sortDir;
          } else {
            sortCol = i;
            sortDir = 1;
          }
          Array.prototype.forEach.call(headRow.cells, function (other) {
            if (other.hasAttribute('aria-sort')) {
              other.setAttribute('aria-sort', 'none');
            }
          });
          th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
          sortRows();
          page = 0;
          render();
        });
      });
    }

    select.addEventListener('change', function () {
      size = parseInt(select.value, 10);
      page = 0;
      render();
    });
    var timer = null;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        query = input.value;
        page = 0;
        render();
      }, rows.length > 500 ? 150 : 0);
    });

    render();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('table[data-table]'), enhance);
    Array.prototype.forEach.call(document.querySelectorAll('form[data-autosubmit] select'), function (s) {
      s.addEventListener('change', function () {
        if (s.form) {
          s.form.submit();
        }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (b) {
      b.addEventListener('click', function () {
        window.print();
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('form[data-confirm]'), function (f) {
      f.addEventListener('submit', function (e) {
        if (!window.confirm(f.getAttribute('data-confirm'))) {
          e.preventDefault();
        }
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
