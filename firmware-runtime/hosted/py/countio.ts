/**
 * countio, the Python half (shared-bindings/countio/Counter.c and Edge.c of CircuitPython 9.2.9) over
 * ../samd21/countio.ts.
 */
const hide = (name: string): string => `\n__name__ = '${name}'\ndel __file__\n`;

export const COUNTIO_PY = String.raw`
import _hal, _hw
class Edge:
    RISE = 'countio.Edge.RISE'
    FALL = 'countio.Edge.FALL'
    RISE_AND_FALL = 'countio.Edge.RISE_AND_FALL'
_EDGE = {Edge.RISE: 'rise', Edge.FALL: 'fall', Edge.RISE_AND_FALL: 'both'}
def _pull(pull):
    import digitalio
    p = {None: 'none', digitalio.Pull.UP: 'up', digitalio.Pull.DOWN: 'down'}.get(pull) if isinstance(pull, (str, type(None))) else None
    if p is None:
        raise TypeError('pull must be of type Pull or None, not %s' % type(pull).__name__)
    return p
class Counter(_hw.Owner):
    _key = '_id'
    def __init__(self, pin, *, edge=Edge.FALL, pull=None):
        _hw.pin_of(pin)
        self._id = None
        if not (isinstance(edge, str) and edge in _EDGE):
            raise TypeError('edge must be of type Edge, not %s' % type(edge).__name__)
        self._id = _hw.check(_hal.counter_construct(pin._name, _hw.name_of(pin), _EDGE[edge], _pull(pull)))
    def _release(self, id):
        _hal.counter_deinit(id)
    @property
    def count(self):
        self._ok()
        return _hw.check(_hal.counter_count(self._id))
    @count.setter
    def count(self, value):
        self._ok()
        _hw.check(_hal.counter_set_count(self._id, int(value)))
    def reset(self):
        self._ok()
        _hw.check(_hal.counter_set_count(self._id, 0))
` + hide('countio');
