"""Pure pricing functions: fees, de-vig, Kelly, executable edge. Imports only courtside.domain."""
