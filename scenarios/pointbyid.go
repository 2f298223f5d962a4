package scenarios

import (
	"fmt"
	"strings"
)

// PointByID is the sweep point with that id (as Points names it and runs.parquet's
// point_id holds it) or label (as run's table and summary.json's label show it: "2
// agents", or "agents=3" for a point of a Latin hypercube, whose id is "lhs-001"), or
// with id "" the first; spaces do not count ("weekday=4, sunday=2" is the point
// weekday=4,sunday=2). A label that two points share (a hypercube's strata narrower
// than a whole agent) finds neither: the error names their ids. The error for a point
// not found lists the first ten points as the table shows them, with their ids.
func (s *Scenario) PointByID(id string) (Point, error) {
	points, err := s.Points()
	if err != nil {
		return Point{}, err
	}
	if id == "" {
		return points[0], nil
	}
	for _, p := range points {
		if p.ID == id {
			return p, nil
		}
	}
	for _, p := range points {
		if bare(p.ID) == bare(id) {
			return p, nil
		}
	}
	var found []Point
	for _, p := range points {
		if bare(p.Label) == bare(id) {
			found = append(found, p)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		ids := make([]string, len(found))
		for i, p := range found {
			ids[i] = p.ID
		}
		return Point{}, fmt.Errorf("%q labels %d points of %s (%s): give the id of one", id, len(found), s.Name, strings.Join(ids, ", "))
	}
	return Point{}, fmt.Errorf("%q is not a sweep point of %s; its points are %s", id, s.Name, PointChoices(points, 10))
}

// Named names p for someone who asked for it as asked (a --point): as they wrote it,
// then its id in brackets where that is another name ("agents=3 (lhs-002)", "2 agents
// (headcount=2)"); its id alone where asked is "" (the first point) or is the id.
func (p Point) Named(asked string) string {
	switch {
	case asked == "":
		return p.ID
	case bare(asked) == p.ID:
		return asked
	}
	return fmt.Sprintf("%s (%s)", asked, p.ID)
}

// PointChoices names the first n points for a list of choices, "; " between them: each
// as run's table labels it, and its id in brackets where that is another name ("agents=2
// (lhs-000)", "2 agents (headcount=2)").
func PointChoices(points []Point, n int) string {
	names := make([]string, 0, min(len(points), n))
	for _, p := range points[:min(len(points), n)] {
		name := p.ID
		if bare(p.Label) != p.ID && p.Label != "" {
			name = fmt.Sprintf("%s (%s)", p.Label, p.ID)
		}
		names = append(names, name)
	}
	return strings.Join(names, "; ")
}

// bare is s without its spaces, as ids and labels are matched.
func bare(s string) string { return strings.Join(strings.Fields(s), "") }
