"""People: roster, invitations and sign-in, who may do what."""
