package settings

import (
	"regexp"
	"slices"
	"strconv"
)

// Maintenance is the config key aks.maintenance: when AKS may run each automatic upgrade. Without
// a window the channels upgrade at any time (Microsoft Learn, "Use Planned Maintenance to
// schedule and control upgrades for your AKS cluster", checked 2026-12-06).
type Maintenance struct {
	AutoUpgrade *MaintenanceWindow `json:"autoUpgrade"` // the cluster's upgradeChannel
	NodeOS      *MaintenanceWindow `json:"nodeOS"`      // the node images' nodeOSUpgradeChannel
}

// MaintenanceWindow is one recurring window.
type MaintenanceWindow struct {
	Schedule      string `json:"schedule"`      // Weekly (default) or Daily (node OS only)
	DayOfWeek     string `json:"dayOfWeek"`     // Weekly: Monday to Sunday
	IntervalWeeks int    `json:"intervalWeeks"` // Weekly: every 1-4 weeks (default 1)
	IntervalDays  int    `json:"intervalDays"`  // Daily: every 1-7 days (default 1)
	StartTime     string `json:"startTime"`     // HH:mm in utcOffset
	UTCOffset     string `json:"utcOffset"`     // +HH:mm or -HH:mm (default +00:00)
	DurationHours int    `json:"durationHours"` // 4-24 (default 4)
}

// Schedules of a window.
const (
	ScheduleWeekly = "Weekly"
	ScheduleDaily  = "Daily"
)

// productionWindows are a production stack's windows when it names none: the cluster's upgrade
// early on Sunday, the node images right after it, four hours each (the least AKS takes).
func productionWindows() Maintenance {
	return Maintenance{
		AutoUpgrade: &MaintenanceWindow{Schedule: ScheduleWeekly, DayOfWeek: "Sunday", StartTime: "00:00"},
		NodeOS:      &MaintenanceWindow{Schedule: ScheduleWeekly, DayOfWeek: "Sunday", StartTime: "04:00"},
	}
}

// completeMaintenance fills a production stack's missing windows and each window's defaults. A
// window is left out for a channel that upgrades nothing.
func (s *Settings) completeMaintenance() {
	m, c := &s.Cluster.Maintenance, s.Cluster
	if s.production() {
		defaults := productionWindows()
		if m.AutoUpgrade == nil && c.UpgradeChannel != "none" {
			m.AutoUpgrade = defaults.AutoUpgrade
		}
		if m.NodeOS == nil && nodeOSChannelUpgrades(c.NodeOSUpgradeChannel) {
			m.NodeOS = defaults.NodeOS
		}
	}
	for _, w := range []*MaintenanceWindow{m.AutoUpgrade, m.NodeOS} {
		if w == nil {
			continue
		}
		if w.Schedule == "" {
			w.Schedule = ScheduleWeekly
		}
		if w.Schedule == ScheduleWeekly && w.IntervalWeeks == 0 {
			w.IntervalWeeks = 1
		}
		if w.Schedule == ScheduleDaily && w.IntervalDays == 0 {
			w.IntervalDays = 1
		}
		if w.UTCOffset == "" {
			w.UTCOffset = "+00:00"
		}
		if w.DurationHours == 0 {
			w.DurationHours = 4
		}
	}
}

// nodeOSChannelUpgrades tells whether a node OS channel has AKS upgrade anything: None and
// Unmanaged leave the nodes to themselves.
func nodeOSChannelUpgrades(channel string) bool {
	return channel == "NodeImage" || channel == "SecurityPatch"
}

var (
	clockPattern  = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	offsetPattern = regexp.MustCompile(`^[+-]([0-9]{2}):([0-5][0-9])$`)
	weekdays      = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// validateMaintenance checks each window against AKS's rules for maintenance configurations
// (REST spec 2024-10-01, MaintenanceWindow, Schedule and its kinds; Microsoft Learn, "Use Planned
// Maintenance", checked 2026-12-06).
func (s *Settings) validateMaintenance(p *problems) {
	c := s.Cluster
	if w := c.Maintenance.AutoUpgrade; w != nil {
		if c.UpgradeChannel == "none" {
			p.add("aks.maintenance.autoUpgrade", "a window for aks.upgradeChannel none upgrades nothing: remove it or choose a channel")
		}
		checkWindow(p, "aks.maintenance.autoUpgrade", *w, false)
	}
	if w := c.Maintenance.NodeOS; w != nil {
		if !nodeOSChannelUpgrades(c.NodeOSUpgradeChannel) {
			p.add("aks.maintenance.nodeOS", "a window for aks.nodeOSUpgradeChannel %s upgrades nothing: remove it or choose NodeImage or SecurityPatch", c.NodeOSUpgradeChannel)
		}
		checkWindow(p, "aks.maintenance.nodeOS", *w, true)
	}
}

func checkWindow(p *problems, key string, w MaintenanceWindow, nodeOS bool) {
	switch w.Schedule {
	case ScheduleWeekly:
		if !slices.Contains(weekdays, w.DayOfWeek) {
			p.add(key+".dayOfWeek", "%q is not a day of the week (Monday ... Sunday)", w.DayOfWeek)
		}
		if w.IntervalWeeks < 1 || w.IntervalWeeks > 4 {
			p.add(key+".intervalWeeks", "%d must be between 1 and 4", w.IntervalWeeks)
		}
		if w.IntervalDays != 0 {
			p.add(key+".intervalDays", "is for a Daily schedule; a Weekly one takes dayOfWeek and intervalWeeks")
		}
	case ScheduleDaily:
		// API 2024-10-01 takes a daily schedule for node OS upgrades only; Learn lists it for
		// the auto-upgrade channel only since June 2025 (checked 2026-12-06).
		if !nodeOS {
			p.add(key+".schedule", "Daily is for the node OS window only; the cluster's upgrades take Weekly")
		}
		if w.IntervalDays < 1 || w.IntervalDays > 7 {
			p.add(key+".intervalDays", "%d must be between 1 and 7", w.IntervalDays)
		}
		if w.DayOfWeek != "" || w.IntervalWeeks != 0 {
			p.add(key+".schedule", "a Daily schedule takes intervalDays, not dayOfWeek or intervalWeeks")
		}
	default:
		p.add(key+".schedule", "%q is not one of %s, %s", w.Schedule, ScheduleWeekly, ScheduleDaily)
	}
	if !clockPattern.MatchString(w.StartTime) {
		p.add(key+".startTime", "%q must be a time of day HH:mm from 00:00 to 23:59", w.StartTime)
	}
	if m := offsetPattern.FindStringSubmatch(w.UTCOffset); m == nil || !offsetExists(w.UTCOffset[0], m[1], m[2]) {
		p.add(key+".utcOffset", "%q must be an offset from UTC, +HH:mm or -HH:mm, between -12:00 and +14:00", w.UTCOffset)
	}
	if w.DurationHours < 4 || w.DurationHours > 24 {
		p.add(key+".durationHours", "%d must be between 4 and 24: AKS needs at least 4 hours", w.DurationHours)
	}
}

// offsetExists tells whether an offset is one the world's time zones use: -12:00 to +14:00.
func offsetExists(sign byte, hours, minutes string) bool {
	h, _ := strconv.Atoi(hours)
	m, _ := strconv.Atoi(minutes)
	total := h*60 + m
	if sign == '-' {
		return total <= 12*60
	}
	return total <= 14*60
}
