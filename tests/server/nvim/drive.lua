-- Driven by tests/server/test_server_neovim.py: wait for birnn-lint's diagnostics,
-- apply the BRN002 quick fix through vim.lsp.buf.code_action, save what happened.
local out = vim.env.BIRNN_LINT_NVIM_OUT
local function finish(status)
  local result = {
    status = status,
    diagnostics = vim.tbl_map(function(d)
      return { code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col,
               message = d.message, source = d.source }
    end, vim.diagnostic.get(0)),
    clients = vim.tbl_map(function(c) return c.name end, vim.lsp.get_clients({ bufnr = 0 })),
  }
  vim.fn.writefile({ vim.json.encode(result) }, out .. "/result.json")
  vim.fn.writefile(vim.api.nvim_buf_get_lines(0, 0, -1, false), out .. "/buffer.py")
  vim.cmd("qall!")
end

if not vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50) then
  finish("no diagnostics")
  return
end
vim.api.nvim_win_set_cursor(0, { 6, 9 }) -- on `h_n[-1]` (row 6, 0-based column 9)
local before = vim.api.nvim_buf_get_lines(0, 5, 6, false)[1]
vim.lsp.buf.code_action({
  apply = true,
  filter = function(action)
    return action.title:find("Fix BRN002", 1, true) ~= nil
  end,
})
local changed = vim.wait(60000, function()
  return vim.api.nvim_buf_get_lines(0, 5, 6, false)[1] ~= before
end, 50)
finish(changed and "fixed" or "not fixed")
