-- birnn-lint's language server in Neovim (0.11+): the README's set-up, verbatim.
vim.lsp.config("birnn_lint", {
  cmd = { "birnn-lint", "server" },
  filetypes = { "python" },
  root_markers = { "pyproject.toml", ".git" },
  -- Client settings (all optional): select = {...}, ignore = {...}, unsafeFixes = true.
  init_options = { settings = {} },
})
vim.lsp.enable("birnn_lint")
