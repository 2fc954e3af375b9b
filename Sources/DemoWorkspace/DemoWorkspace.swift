import CaptureCore
import Foundation
