package market

import (
	"fmt"
	"strings"
)

// isoNames holds the ISO 3166-1 alpha-2 codes, each with a short English name for
// messages: the 249 officially assigned ones, and the three that phone numbering uses
// beyond them (libphonenumber's regions for +247, +290 8 and +383): AC and TA
// (exceptionally reserved) and XK (user-assigned, for Kosovo). Nothing else is a
// country: a trace's "UK" or "XX" is a typo to report, not market "Other".
var isoNames = map[string]string{
	"AD": "Andorra", "AE": "United Arab Emirates", "AF": "Afghanistan", "AG": "Antigua and Barbuda",
	"AI": "Anguilla", "AL": "Albania", "AM": "Armenia", "AO": "Angola", "AQ": "Antarctica",
	"AR": "Argentina", "AS": "American Samoa", "AT": "Austria", "AU": "Australia", "AW": "Aruba",
	"AX": "Åland Islands", "AZ": "Azerbaijan",
	"BA": "Bosnia and Herzegovina", "BB": "Barbados", "BD": "Bangladesh", "BE": "Belgium",
	"BF": "Burkina Faso", "BG": "Bulgaria", "BH": "Bahrain", "BI": "Burundi", "BJ": "Benin",
	"BL": "Saint Barthélemy", "BM": "Bermuda", "BN": "Brunei", "BO": "Bolivia",
	"BQ": "Caribbean Netherlands", "BR": "Brazil", "BS": "Bahamas", "BT": "Bhutan",
	"BV": "Bouvet Island", "BW": "Botswana", "BY": "Belarus", "BZ": "Belize",
	"CA": "Canada", "CC": "Cocos (Keeling) Islands", "CD": "DR Congo", "CF": "Central African Republic",
	"CG": "Congo", "CH": "Switzerland", "CI": "Côte d'Ivoire", "CK": "Cook Islands", "CL": "Chile",
	"CM": "Cameroon", "CN": "China", "CO": "Colombia", "CR": "Costa Rica", "CU": "Cuba",
	"CV": "Cabo Verde", "CW": "Curaçao", "CX": "Christmas Island", "CY": "Cyprus", "CZ": "Czechia",
	"DE": "Germany", "DJ": "Djibouti", "DK": "Denmark", "DM": "Dominica", "DO": "Dominican Republic",
	"DZ": "Algeria",
	"EC": "Ecuador", "EE": "Estonia", "EG": "Egypt", "EH": "Western Sahara", "ER": "Eritrea",
	"ES": "Spain", "ET": "Ethiopia",
	"FI": "Finland", "FJ": "Fiji", "FK": "Falkland Islands", "FM": "Micronesia", "FO": "Faroe Islands",
	"FR": "France",
	"GA": "Gabon", "GB": "United Kingdom", "GD": "Grenada", "GE": "Georgia", "GF": "French Guiana",
	"GG": "Guernsey", "GH": "Ghana", "GI": "Gibraltar", "GL": "Greenland", "GM": "Gambia",
	"GN": "Guinea", "GP": "Guadeloupe", "GQ": "Equatorial Guinea", "GR": "Greece",
	"GS": "South Georgia and the South Sandwich Islands", "GT": "Guatemala", "GU": "Guam",
	"GW": "Guinea-Bissau", "GY": "Guyana",
	"HK": "Hong Kong", "HM": "Heard Island and McDonald Islands", "HN": "Honduras", "HR": "Croatia",
	"HT": "Haiti", "HU": "Hungary",
	"ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IM": "Isle of Man", "IN": "India",
	"IO": "British Indian Ocean Territory", "IQ": "Iraq", "IR": "Iran", "IS": "Iceland", "IT": "Italy",
	"JE": "Jersey", "JM": "Jamaica", "JO": "Jordan", "JP": "Japan",
	"KE": "Kenya", "KG": "Kyrgyzstan", "KH": "Cambodia", "KI": "Kiribati", "KM": "Comoros",
	"KN": "Saint Kitts and Nevis", "KP": "North Korea", "KR": "South Korea", "KW": "Kuwait",
	"KY": "Cayman Islands", "KZ": "Kazakhstan",
	"LA": "Laos", "LB": "Lebanon", "LC": "Saint Lucia", "LI": "Liechtenstein", "LK": "Sri Lanka",
	"LR": "Liberia", "LS": "Lesotho", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "LY": "Libya",
	"MA": "Morocco", "MC": "Monaco", "MD": "Moldova", "ME": "Montenegro", "MF": "Saint Martin",
	"MG": "Madagascar", "MH": "Marshall Islands", "MK": "North Macedonia", "ML": "Mali", "MM": "Myanmar",
	"MN": "Mongolia", "MO": "Macao", "MP": "Northern Mariana Islands", "MQ": "Martinique",
	"MR": "Mauritania", "MS": "Montserrat", "MT": "Malta", "MU": "Mauritius", "MV": "Maldives",
	"MW": "Malawi", "MX": "Mexico", "MY": "Malaysia", "MZ": "Mozambique",
	"NA": "Namibia", "NC": "New Caledonia", "NE": "Niger", "NF": "Norfolk Island", "NG": "Nigeria",
	"NI": "Nicaragua", "NL": "Netherlands", "NO": "Norway", "NP": "Nepal", "NR": "Nauru", "NU": "Niue",
	"NZ": "New Zealand",
	"OM": "Oman",
	"PA": "Panama", "PE": "Peru", "PF": "French Polynesia", "PG": "Papua New Guinea", "PH": "Philippines",
	"PK": "Pakistan", "PL": "Poland", "PM": "Saint Pierre and Miquelon", "PN": "Pitcairn",
	"PR": "Puerto Rico", "PS": "Palestine", "PT": "Portugal", "PW": "Palau", "PY": "Paraguay",
	"QA": "Qatar",
	"RE": "Réunion", "RO": "Romania", "RS": "Serbia", "RU": "Russia", "RW": "Rwanda",
	"SA": "Saudi Arabia", "SB": "Solomon Islands", "SC": "Seychelles", "SD": "Sudan", "SE": "Sweden",
	"SG": "Singapore", "SH": "Saint Helena", "SI": "Slovenia", "SJ": "Svalbard and Jan Mayen",
	"SK": "Slovakia", "SL": "Sierra Leone", "SM": "San Marino", "SN": "Senegal", "SO": "Somalia",
	"SR": "Suriname", "SS": "South Sudan", "ST": "São Tomé and Príncipe", "SV": "El Salvador",
	"SX": "Sint Maarten", "SY": "Syria", "SZ": "Eswatini",
	"TC": "Turks and Caicos Islands", "TD": "Chad", "TF": "French Southern Territories", "TG": "Togo",
	"TH": "Thailand", "TJ": "Tajikistan", "TK": "Tokelau", "TL": "Timor-Leste", "TM": "Turkmenistan",
	"TN": "Tunisia", "TO": "Tonga", "TR": "Türkiye", "TT": "Trinidad and Tobago", "TV": "Tuvalu",
	"TW": "Taiwan", "TZ": "Tanzania",
	"UA": "Ukraine", "UG": "Uganda", "UM": "United States Minor Outlying Islands", "US": "United States",
	"UY": "Uruguay", "UZ": "Uzbekistan",
	"VA": "Vatican City", "VC": "Saint Vincent and the Grenadines", "VE": "Venezuela",
	"VG": "British Virgin Islands", "VI": "U.S. Virgin Islands", "VN": "Vietnam", "VU": "Vanuatu",
	"WF": "Wallis and Futuna", "WS": "Samoa",
	"YE": "Yemen", "YT": "Mayotte",
	"ZA": "South Africa", "ZM": "Zambia", "ZW": "Zimbabwe",
	// Phone numbering's codes beyond the official list.
	"AC": "Ascension Island", "TA": "Tristan da Cunha", "XK": "Kosovo",
}

// isoMistakes are codes people write for a country whose ISO code differs: other
// standards' codes (the EU's UK and EL, alpha-3 codes, common abbreviations), each
// with the code meant.
var isoMistakes = map[string]string{
	"UK": "GB", "EN": "GB", "EL": "GR", "KS": "XK", "SP": "ES",
	"USA": "US", "UAE": "AE", "GBR": "GB", "GER": "DE", "DEU": "DE", "BRA": "BR", "MEX": "MX",
	"IND": "IN", "IDN": "ID", "FRA": "FR", "ESP": "ES", "ITA": "IT", "ARG": "AR", "COL": "CO",
	"CHL": "CL", "PER": "PE", "NGA": "NG", "ZAF": "ZA", "RSA": "ZA", "SAU": "SA", "KSA": "SA",
	"TUR": "TR", "EGY": "EG", "PAK": "PK", "CAN": "CA", "AUS": "AU", "NLD": "NL", "PRT": "PT",
	"RUS": "RU", "CHN": "CN", "JPN": "JP", "KOR": "KR", "PHL": "PH", "MYS": "MY", "SGP": "SG",
	"THA": "TH", "VNM": "VN", "ISR": "IL", "KEN": "KE", "BGD": "BD", "CHE": "CH", "AUT": "AT",
	"BEL": "BE", "SWE": "SE", "NOR": "NO", "DNK": "DK", "FIN": "FI", "POL": "PL", "IRL": "IE",
}

// IsCountry reports whether code (two upper-case letters) is an ISO 3166-1 alpha-2
// country code (see isoNames).
func IsCountry(code string) bool {
	_, ok := isoNames[code]
	return ok
}

// CountryName is a country's short English name ("United Kingdom"), "" for a code that
// is not one.
func CountryName(code string) string { return isoNames[code] }

// CheckCountry returns the ISO 3166-1 alpha-2 code s names, upper-cased, or an error
// saying why s is not one and, for the common mistakes, which code was meant:
// "UK" is not an ISO 3166-1 alpha-2 code; did you mean GB (United Kingdom)?
func CheckCountry(s string) (string, error) {
	u := strings.ToUpper(s)
	if len(s) == 2 && IsCountry(u) {
		return u, nil
	}
	return "", &CountryError{Value: s}
}

// CountryError is a value that is not an ISO 3166-1 alpha-2 code.
type CountryError struct {
	Value string // as given
}

func (e *CountryError) Error() string {
	return fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 code%s", e.Value, CountryHint(e.Value))
}

// CountryHint ends a message about s, which is not a country code: "; did you mean GB
// (United Kingdom)?" for the common mistakes (the EU's UK and EL, alpha-3 codes), else
// an example, " (like BR)".
func CountryHint(s string) string {
	if c := isoMistakes[strings.ToUpper(strings.TrimSpace(s))]; c != "" {
		return fmt.Sprintf("; did you mean %s (%s)?", c, isoNames[c])
	}
	return " (like BR)"
}
