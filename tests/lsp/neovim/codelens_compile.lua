-- Neovim's built-in LSP client (the 0.7 API, Debian 12's 0.7.2) against
-- tessera-lsp: open a copy of examples/mlp.mlir, wait for the diagnostics,
-- list the code lenses and run "Compile" as a user does (cursor on the lens
-- line, vim.lsp.codelens.run()). The server must carry out the command
-- itself (workspace/executeCommand): the .tsm appears next to the file and
-- a window/showMessage says so. Exits 0 when all that happens, 1 otherwise.
--
-- Environment: TESSERA_LSP (the server), TESSERA_NVIM_FILE (the copy).
local lsp_path = assert(os.getenv('TESSERA_LSP'), 'TESSERA_LSP is not set')
local file = assert(os.getenv('TESSERA_NVIM_FILE'), 'TESSERA_NVIM_FILE is not set')
local output = file:gsub('%.mlir$', '.tsm')
local deadline = vim.loop.now() + 60000

local function say(message)
  io.stderr:write('lsp-neovim: ' .. message .. '\n')
end

local function finish(code, message)
  say(message)
  io.stderr:flush()
  if code == 0 then
    vim.cmd('qall!')
  else
    vim.cmd('cquit ' .. code)
  end
end

-- What the server said, recorded by the handlers below.
local seen = { diagnostics = nil, messages = {}, notices = {}, replies = {} }

-- vim.notify: where 0.7.2's codelens.run reports a command it cannot run.
vim.notify = function(message, level)
  table.insert(seen.notices, message)
  say('notify(' .. tostring(level) .. '): ' .. message)
end

local default_show = vim.lsp.handlers['window/showMessage']
local default_execute = vim.lsp.handlers['workspace/executeCommand']
-- codelens.run answers through the global handler (looked up per reply).
vim.lsp.handlers['workspace/executeCommand'] = function(err, result, ctx, config)
  table.insert(seen.replies, { err = err, result = result, at = vim.loop.now() })
  say('workspace/executeCommand replied: ' .. vim.inspect(err or result))
  return default_execute(err, result, ctx, config)
end

local handlers = {
  ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result and vim.uri_to_fname(result.uri) == file then
      seen.diagnostics = result.diagnostics
    end
    return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
  end,
  ['window/showMessage'] = function(err, result, ctx, config)
    table.insert(seen.messages, result)
    say('window/showMessage (type ' .. tostring(result.type) .. '): ' .. result.message)
    return default_show(err, result, ctx, config)
  end,
}

--- Runs the event loop until `condition` holds; false at the deadline.
local function wait_for(condition)
  local left = deadline - vim.loop.now()
  return left > 0 and vim.wait(left, condition, 50)
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local exited = nil
  local client_id = vim.lsp.start_client({
    name = 'tessera-lsp',
    cmd = { lsp_path },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    handlers = handlers,
    on_exit = function(code, signal)
      exited = { code = code, signal = signal }
    end,
  })
  if not client_id then
    return finish(1, 'vim.lsp.start_client could not start ' .. lsp_path)
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  local client
  if not wait_for(function()
    client = vim.lsp.get_client_by_id(client_id)
    return exited or (client and client.initialized)
  end) or exited then
    return finish(1, 'the client did not initialize (server exit: ' .. vim.inspect(exited) .. ')')
  end
  say('attached; executeCommandProvider: '
    .. vim.inspect(client.server_capabilities.executeCommandProvider))

  if not wait_for(function()
    return seen.diagnostics ~= nil
  end) then
    return finish(1, 'no textDocument/publishDiagnostics for ' .. file)
  end
  for _, diagnostic in ipairs(seen.diagnostics) do
    if diagnostic.severity == vim.lsp.protocol.DiagnosticSeverity.Error then
      return finish(1, 'mlp.mlir has an error: ' .. diagnostic.message)
    end
  end
  say(#seen.diagnostics .. ' diagnostics published')

  vim.lsp.codelens.refresh()
  local lenses
  if not wait_for(function()
    lenses = vim.lsp.codelens.get(bufnr)
    return #lenses > 0
  end) then
    return finish(1, 'no code lenses for ' .. file)
  end
  local compile
  for _, lens in ipairs(lenses) do
    local command = lens.command or {}
    say(string.format('lens at line %d: %q -> %s %s', lens.range.start.line + 1,
      tostring(command.title), tostring(command.command), vim.inspect(command.arguments)))
    if command.title == 'Compile' and not compile then
      compile = lens
    end
  end
  if not compile then
    return finish(1, 'no "Compile" lens')
  end

  -- With several lenses on the line, 0.7.2's codelens.run asks through
  -- vim.ui.select (titles via format_item); a user picks "Compile".
  local offered = nil
  vim.ui.select = function(items, opts, on_choice)
    offered = {}
    local chosen = nil
    for _, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(offered, title)
      if title == 'Compile' and not chosen then
        chosen = item
      end
    end
    say('vim.ui.select offered: ' .. table.concat(offered, ', '))
    on_choice(chosen)
  end
  os.remove(output)
  -- Only what running the lens brings counts (an error showMessage or reply
  -- reaches vim.notify too).
  seen.notices, seen.messages, seen.replies = {}, {}, {}
  vim.api.nvim_win_set_cursor(0, { compile.range.start.line + 1, 0 })
  vim.lsp.codelens.run()

  local function written()
    local stat = vim.loop.fs_stat(output)
    return stat and stat.size > 0
  end
  -- Done: everything arrived, neovim refused, or 5 s passed since the
  -- reply (the server may send its showMessage just after it).
  wait_for(function()
    local reply = seen.replies[1]
    return #seen.notices > 0
      or (reply and written() and #seen.messages > 0)
      or (reply and vim.loop.now() - reply.at > 5000)
  end)
  if not written() then
    local why = #seen.notices > 0 and ('neovim said: ' .. seen.notices[1])
      or (#seen.replies > 0 and ('the server replied '
        .. vim.inspect(seen.replies[1].err or seen.replies[1].result)))
      or 'nothing happened within 60 s'
    return finish(1, 'running the "Compile" lens wrote no ' .. output .. '; ' .. why)
  end
  if #seen.messages == 0 then
    return finish(1, output .. ' was written but no window/showMessage arrived')
  end
  local info = seen.messages[1]
  if info.type ~= vim.lsp.protocol.MessageType.Info or not info.message:find(output, 1, true) then
    return finish(1, 'unexpected window/showMessage: ' .. vim.inspect(info))
  end
  local reply = seen.replies[1]
  if not reply then
    return finish(1, 'no reply to workspace/executeCommand')
  end
  if reply.err or type(reply.result) ~= 'table' or reply.result.ok ~= true then
    return finish(1, 'workspace/executeCommand failed: ' .. vim.inspect(reply))
  end

  vim.lsp.stop_client(client_id)
  wait_for(function()
    return exited ~= nil
  end)
  local size = vim.loop.fs_stat(output).size
  return finish(0, string.format('ok: the "Compile" lens wrote %s (%d bytes)%s', output, size,
    offered and (' (chosen among: ' .. table.concat(offered, ', ') .. ')') or ''))
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  finish(1, 'error: ' .. tostring(err))
end
