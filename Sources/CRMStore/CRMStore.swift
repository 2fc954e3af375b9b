import CaptureCore
import GRDB
