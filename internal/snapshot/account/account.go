// Package account holds the normalized account settings of one account
// (AWS Account Management: alternate contacts). It must not import the
// AWS SDK.
package account

// Settings is the account's settings.
type Settings struct {
	// SecurityContact is the security alternate contact; nil when none
	// is registered.
	SecurityContact *Contact `json:"security_contact,omitempty"`
}

// Contact is an alternate contact of the account.
type Contact struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
}
