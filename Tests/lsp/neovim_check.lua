-- Opens a migration in headless Neovim with migration-lint lsp attached, waits for the
-- diagnostics and writes them to $RESULT, one per line: line, byte column, code, message.
local binary, file, result = os.getenv('MIGRATION_LINT'), os.getenv('MIGRATION'), os.getenv('RESULT')
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local client = vim.lsp.start_client({
  name = 'migration-lint',
  cmd = { binary, 'lsp' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
})
vim.lsp.buf_attach_client(0, client)
local found = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 20)
local lines = {}
if not found then table.insert(lines, 'timeout') end
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  table.insert(lines, string.format('%d:%d %s %s', d.lnum, d.col, code, vim.split(d.message, '\n')[1]))
end
vim.fn.writefile(lines, result)
vim.lsp.stop_client(client)
vim.cmd('qa!')
