package narrative

func (a *Analysis) checkPerformance() {}
